package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.vm.GuestRecord;
import dev.quorate.vm.QemuGuest;
import dev.quorate.vm.QemuGuestBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

/**
 * The demo's virtual machine: Quorate's test guest (Debian's cloud kernel and busybox, built by
 * {@code bin/lib/build-guest.sh}), run by QEMU under software emulation. Its init appends one
 * checksummed record per interval to its virtio disk and prints it on the serial console; the
 * record carries the fencing token the guest was booted with.
 *
 * @param kernel the guest's kernel
 * @param initrd the guest's initramfs
 */
record DemoGuest(Path kernel, Path initrd) {
  static final String QEMU = "qemu-system-x86_64";

  /**
   * Finds QEMU and the guest the build made, or says why the demo cannot run real guests.
   *
   * @throws IllegalStateException naming what is missing and how to get it
   */
  static DemoGuest locate(String dir) {
    if (!qemuOnPath()) {
      throw new IllegalStateException(
          QEMU
              + " is not on the PATH: the demo runs real QEMU guests; install Debian's"
              + " qemu-system-x86 (bin/lib/install-prerequisites.sh does)");
    }
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "no guest image: set -D"
              + FailoverDemo.GUEST_PROPERTY
              + "=DIR to a directory made by bin/lib/build-guest.sh DIR (bin/demo does)");
    }
    Path props = Path.of(dir).resolve("guest.properties");
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(props)) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(
          "no guest image in " + dir + " (" + e + "): run bin/lib/build-guest.sh " + dir, e);
    }
    DemoGuest guest =
        new DemoGuest(Path.of(p.getProperty("kernel", "")), Path.of(p.getProperty("initrd", "")));
    for (Path file : new Path[] {guest.kernel, guest.initrd}) {
      if (!Files.isReadable(file) || file.toString().isEmpty()) {
        throw new IllegalStateException(
            props + " names '" + file + "', which is not a readable file: rebuild the guest");
      }
    }
    return guest;
  }

  /** Whether {@code qemu-system-x86_64} is an executable on the {@code PATH}. */
  static boolean qemuOnPath() {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, QEMU)));
  }

  /**
   * A builder for {@code vm} booted with {@code token}: 128 MiB, software emulation, the records'
   * interval, the given disk and the host's runtime directory.
   */
  QemuGuestBuilder builder(String vm, FencingToken token, Path runtimeDir) {
    return QemuGuest.builder(vm)
        .kernel(kernel)
        .initrd(initrd)
        .memoryMib(128)
        .append(
            "console=ttyS0 panic=-1 quiet "
                + GuestRecord.kernelArguments(vm, token.major(), DemoTiming.VM_WRITE_INTERVAL))
        .runtimeDir(runtimeDir)
        .startTimeout(Duration.ofSeconds(30));
  }
}
