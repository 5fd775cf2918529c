package dev.quorate.vm.internal;

import dev.quorate.vm.Accel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest's settings, validated by the builder.
 *
 * @param name the guest's name
 * @param kernel the kernel image
 * @param initrd the initramfs
 * @param append the kernel command line
 * @param disk a raw image path or an NBD URI, or null for none
 * @param memoryMib memory in MiB
 * @param accel the accelerator
 * @param runtimeDir where sockets and the pid file go
 * @param qemuBinary the QEMU program
 * @param commandTimeout bound per QMP command and process exit
 * @param startTimeout bound on start-up
 * @param incoming whether this instance waits for an incoming migration
 * @param paused whether the guest's CPUs wait for {@code cont} (QEMU's {@code -S}); its disk is
 *     opened at start all the same
 */
public record QemuConfig(
    String name,
    Path kernel,
    Path initrd,
    String append,
    String disk,
    int memoryMib,
    Accel accel,
    Path runtimeDir,
    String qemuBinary,
    Duration commandTimeout,
    Duration startTimeout,
    boolean incoming,
    boolean paused) {

  /**
   * The monitor this object owns; QEMU connects to it as a client, so no wait for a file to appear.
   *
   * @return the path
   */
  public Path ownerSocket() {
    return runtimeDir.resolve(name + ".owner");
  }

  /**
   * The monitor for others (fence agents).
   *
   * @return the path
   */
  public Path qmpSocket() {
    return runtimeDir.resolve(name + ".qmp");
  }

  /**
   * Where an incoming instance listens for the migration stream.
   *
   * @return the path
   */
  public Path migrationSocket() {
    return runtimeDir.resolve(name + ".migrate");
  }

  /**
   * QEMU's pid file.
   *
   * @return the path
   */
  public Path pidFile() {
    return runtimeDir.resolve(name + ".pid");
  }

  /**
   * All unix socket paths, for the length check.
   *
   * @return the paths
   */
  public List<Path> socketPaths() {
    return List.of(ownerSocket(), qmpSocket(), migrationSocket());
  }

  /**
   * The QEMU command line.
   *
   * @param useKvm whether to run under KVM (resolved from {@link #accel()})
   * @return the arguments, program first
   */
  public List<String> command(boolean useKvm) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(List.of(qemuBinary, "-name", name, "-nodefaults", "-no-user-config"));
    cmd.addAll(List.of("-display", "none", "-no-reboot", "-serial", "stdio"));
    cmd.addAll(List.of("-accel", useKvm ? "kvm" : "tcg", "-m", Integer.toString(memoryMib)));
    cmd.addAll(List.of("-kernel", kernel.toString(), "-initrd", initrd.toString()));
    cmd.addAll(List.of("-append", append));
    if (disk != null) {
      cmd.addAll(List.of("-drive", "file=" + disk + ",format=raw,if=virtio"));
    }
    cmd.addAll(List.of("-pidfile", pidFile().toString()));
    cmd.addAll(List.of("-chardev", "socket,id=owner,path=" + ownerSocket()));
    cmd.addAll(List.of("-mon", "chardev=owner,mode=control"));
    cmd.addAll(List.of("-qmp", "unix:" + qmpSocket() + ",server=on,wait=off"));
    if (incoming) {
      cmd.addAll(List.of("-incoming", "unix:" + migrationSocket()));
    }
    if (paused) {
      cmd.add("-S");
    }
    return cmd;
  }
}
