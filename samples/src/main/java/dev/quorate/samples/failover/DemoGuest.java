package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.vm.GuestImage;
import dev.quorate.vm.QemuGuestBuilder;
import dev.quorate.vm.VmException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo's virtual machine: Quorate's test guest ({@link GuestImage}: Debian's cloud kernel and
 * busybox, built by {@code bin/lib/build-guest.sh}), run by QEMU under software emulation. Its init
 * appends one checksummed record per interval to its virtio disk and prints it on the serial
 * console; the record carries the fencing token the guest was booted with.
 *
 * @param image the guest's kernel and initramfs
 */
record DemoGuest(GuestImage image) {
  /**
   * Finds QEMU and the guest the build made, or says why the demo cannot run real guests.
   *
   * @throws IllegalStateException naming what is missing and how to get it
   */
  static DemoGuest locate(String dir) {
    if (!GuestImage.onPath(GuestImage.QEMU)) {
      throw new IllegalStateException(
          GuestImage.QEMU
              + " is not on the PATH: the demo runs real QEMU guests; install Debian's"
              + " qemu-system-x86 (bin/lib/install-prerequisites.sh does)");
    }
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "no guest image: set -D"
              + FailoverDemo.GUEST_PROPERTY
              + "=DIR to a directory made by bin/lib/build-guest.sh DIR (bin/demo does)");
    }
    try {
      return new DemoGuest(GuestImage.load(Path.of(dir)));
    } catch (VmException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  Path kernel() {
    return image.kernel();
  }

  /**
   * A builder for {@code vm} booted with {@code token}: 128 MiB, software emulation, the records'
   * interval, the host's runtime directory; the caller adds the disk.
   */
  QemuGuestBuilder builder(String vm, FencingToken token, Path runtimeDir) {
    return image
        .builder(vm, token.major(), DemoTiming.VM_WRITE_INTERVAL)
        .memoryMib(128)
        .runtimeDir(runtimeDir)
        .startTimeout(Duration.ofSeconds(30));
  }
}
