/**
 * Virtual machines for Quorate's clusters: a {@link dev.quorate.vm.QemuGuest} is one QEMU process
 * controlled over QMP (start, pause, resume, quit, kill, live migration), and {@link
 * dev.quorate.vm.GuestRecord} with {@link dev.quorate.vm.GuestDisk} read what Quorate's test guest
 * writes, so a test can prove which fencing token wrote each record of a disk.
 *
 * <pre>{@code
 * try (QemuGuest vm = QemuGuest.builder("vm-1")
 *     .kernel(kernel).initrd(initrd)
 *     .append("console=ttyS0 panic=-1 quiet " + GuestRecord.kernelArguments("vm-1", 7, interval))
 *     .disk(image).runtimeDir(hostA).build()) {
 *   vm.start();
 *   vm.awaitConsole(GuestRecord::isRecord, Duration.ofSeconds(60));
 *   vm.quit();
 * }
 * List<GuestRecord> written = GuestDisk.read(image);
 * }</pre>
 *
 * <p>The VM-level fence agent {@code fence_quorate_qemu} (shipped with this module) powers such a
 * guest off through its QMP socket, or kills its process when QMP does not answer.
 */
package dev.quorate.vm;
