package dev.quorate.vm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * A virtual machine as one QEMU process, controlled over QMP.
 *
 * <p>The guest boots a kernel and initramfs directly (no firmware disk), with one virtio disk that
 * is a raw image file or an {@code nbd://} export, its serial console on QEMU's standard output and
 * two QMP monitors: one this object owns, and one at {@code <runtimeDir>/<name>.qmp} for others,
 * such as the VM-level fence agent {@code fence_quorate_qemu}. QEMU writes its pid to {@code
 * <runtimeDir>/<name>.pid}.
 *
 * <p>Live migration: start a second instance of the same guest, built with {@link
 * QemuGuestBuilder#incomingMigration()} and its own runtime directory (another host), then call
 * {@link #migrateTo}. The disk must be shared (the same file or NBD export).
 *
 * <pre>{@code
 * try (QemuGuest vm = QemuGuest.builder("vm-1")
 *     .kernel(kernel).initrd(initrd)
 *     .append("console=ttyS0 panic=-1 quiet " + GuestRecord.kernelArguments("vm-1", 7, interval))
 *     .disk(Path.of("vm-1.img"))
 *     .runtimeDir(hostA)
 *     .build()) {
 *   vm.start();
 *   vm.awaitConsole(GuestRecord::isRecord, Duration.ofSeconds(60));
 *   try (QemuGuest moved = vm.toBuilder().runtimeDir(hostB).incomingMigration().build()) {
 *     moved.start();
 *     MigrationResult result = vm.migrateTo(moved, Duration.ofSeconds(60));
 *     vm.quit();
 *   }
 * }
 * }</pre>
 *
 * <p>Every call is bounded by the builder's command timeout unless it takes its own.
 */
public interface QemuGuest extends AutoCloseable {
  /**
   * Starts building a guest.
   *
   * @param name the guest's name, 1-64 characters of {@code [A-Za-z0-9._-]}
   * @return a builder
   * @throws IllegalArgumentException for a bad name
   */
  static QemuGuestBuilder builder(String name) {
    return new QemuGuestBuilder(name);
  }

  /**
   * Returns a builder with this guest's settings, for a second instance (migration target).
   *
   * @return a new builder
   */
  QemuGuestBuilder toBuilder();

  /**
   * Returns the guest's name.
   *
   * @return the name
   */
  String name();

  /**
   * Launches QEMU and connects to its QMP monitor. The guest runs at once, or waits for its state
   * when built with {@link QemuGuestBuilder#incomingMigration()}.
   *
   * @throws VmException IO_FAILURE when QEMU cannot start or exits (with its error text),
   *     LOCK_TIMEOUT when its monitor does not connect within the start timeout, or when called
   *     twice
   * @throws InterruptedException if interrupted while waiting
   */
  void start() throws InterruptedException;

  /**
   * Asks QEMU what the guest is doing.
   *
   * @return the status; {@link GuestStatus#OFF} once the QEMU process has exited
   * @throws VmException if QEMU runs but does not answer
   * @throws InterruptedException if interrupted while waiting
   */
  GuestStatus status() throws InterruptedException;

  /**
   * Pauses the guest's CPUs (QMP {@code stop}); its disk and console stay quiet until {@link
   * #cont()}.
   *
   * @throws VmException if QEMU refuses or does not answer
   * @throws InterruptedException if interrupted while waiting
   */
  void stop() throws InterruptedException;

  /**
   * Resumes a paused guest (QMP {@code cont}).
   *
   * @throws VmException if QEMU refuses or does not answer
   * @throws InterruptedException if interrupted while waiting
   */
  void cont() throws InterruptedException;

  /**
   * Ends QEMU through QMP {@code quit} and waits for the process to exit.
   *
   * @throws VmException LOCK_TIMEOUT if the process has not exited within the command timeout
   * @throws InterruptedException if interrupted while waiting
   */
  void quit() throws InterruptedException;

  /**
   * Kills the QEMU process (SIGKILL) and waits for it to exit: a power cut.
   *
   * @throws VmException LOCK_TIMEOUT if the process has not exited within the command timeout
   * @throws InterruptedException if interrupted while waiting
   */
  void kill() throws InterruptedException;

  /**
   * Live-migrates the running guest into {@code target}, a started instance built with {@link
   * QemuGuestBuilder#incomingMigration()}, and waits until the target runs it. This instance is
   * left in {@link GuestStatus#POSTMIGRATE}; {@link #quit()} it afterwards.
   *
   * @param target the incoming instance
   * @param timeout bound on the whole migration
   * @return QEMU's measured downtime and totals
   * @throws VmException REFUSED with QEMU's error when the migration fails, LOCK_TIMEOUT when it
   *     does not complete in time, INVALID_CONFIGURATION when the target was not built with {@link
   *     QemuGuestBuilder#incomingMigration()}
   * @throws InterruptedException if interrupted while waiting
   */
  MigrationResult migrateTo(QemuGuest target, Duration timeout) throws InterruptedException;

  /**
   * Live-migrates the running guest to an incoming instance that another process owns (the QEMU of
   * another host's cluster manager), through that instance's {@link #migrationSocket()}. Returns
   * when QEMU reports the migration completed: the source is stopped for good and the target
   * resumes the guest; its owner sees the resume. This instance is left in {@link
   * GuestStatus#POSTMIGRATE}.
   *
   * @param incomingSocket the target's {@link #migrationSocket()}
   * @param timeout bound on the whole migration
   * @return QEMU's measured downtime and totals; {@code elapsed} ends at the completion
   * @throws VmException REFUSED with QEMU's error when the migration fails, LOCK_TIMEOUT when it
   *     does not complete in time
   * @throws InterruptedException if interrupted while waiting
   */
  MigrationResult migrateTo(Path incomingSocket, Duration timeout) throws InterruptedException;

  /**
   * Returns where an instance built with {@link QemuGuestBuilder#incomingMigration()} listens for
   * the migration stream.
   *
   * @return {@code <runtimeDir>/<name>.migrate}
   */
  Path migrationSocket();

  /**
   * Returns the console lines printed so far.
   *
   * @return a snapshot, oldest first
   */
  List<ConsoleLine> console();

  /**
   * Waits for a console line that matches, among the lines printed so far and those to come.
   *
   * @param match which line
   * @param timeout the bound
   * @return the first matching line
   * @throws VmException LOCK_TIMEOUT when none arrives in time (the message shows the last lines),
   *     IO_FAILURE when QEMU exits first
   * @throws InterruptedException if interrupted while waiting
   */
  ConsoleLine awaitConsole(Predicate<String> match, Duration timeout) throws InterruptedException;

  /**
   * Returns the QEMU process id once started.
   *
   * @return the pid, or empty before {@link #start()}
   */
  OptionalLong pid();

  /**
   * Returns the accelerator the guest runs under, {@link Accel#AUTO} resolved.
   *
   * @return TCG or KVM, or empty before {@link #start()}
   */
  Optional<Accel> accelInUse();

  /**
   * Returns the QMP socket for others (fence agents, operators).
   *
   * @return {@code <runtimeDir>/<name>.qmp}
   */
  Path qmpSocket();

  /**
   * Kills QEMU if it still runs and releases the sockets. Never throws a checked exception.
   *
   * @throws VmException if the process cannot be ended
   */
  @Override
  void close();
}
