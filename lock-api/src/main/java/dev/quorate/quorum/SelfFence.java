package dev.quorate.quorum;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What a member does when it must leave the cluster at once: its partition lost quorum ({@link
 * QuorumService} under {@link NoQuorumPolicy#SELF_FENCE}), its quorum disk evicted it, or it could
 * not renew its heartbeat or host lease in time. The caller stops its own work before it calls
 * {@link #fence}; the action makes sure the member also stops touching shared resources (reboot,
 * stop petting a watchdog, kill the workload). Only a hardware watchdog also covers a member that
 * is paused (SIGSTOP, a frozen VM) and never gets to run this code: the others rely on the paused
 * member being reset before its renewal deadline ends.
 *
 * <p>Every action that ends the process ends it with {@link #EXIT_STATUS}, and only a self-fence
 * does: a service manager must never restart on that status (the shipped systemd unit says {@code
 * RestartPreventExitStatus=70}), or the member rejoins the cluster that just evicted it.
 *
 * <p>{@link QuorumService} calls it once per loss of quorum, on its notifier, before the listeners
 * of the same event, and never for a member that was never quorate (start-up without quorum is not
 * a loss), which keeps a rebooted member from fencing itself in a loop while it waits for the
 * others. The quorum disk and the disk lock manager also call {@link #verify}, {@link #renewed} and
 * {@link #disarm}; the quorum disk's {@code WatchdogDevice.selfFence()} uses them.
 *
 * <pre>{@code
 * SelfFence daemon = SelfFence.exit();                  // halts with EXIT_STATUS
 * SelfFence embedded = SelfFence.callback(reason -> workload.stopNow());
 * SelfFence logged = (reason, detail) -> LOG.error("fencing myself ({}): {}", reason, detail);
 * }</pre>
 */
@FunctionalInterface
public interface SelfFence {
  /** The exit status of every self-fence that ends the process, and of nothing else: 70. */
  int EXIT_STATUS = 70;

  /**
   * Checks, before anything is written, that this action can fence within the renewal deadline of a
   * member that renews every {@code renewalInterval}; a watchdog reads its timeout back here. The
   * default accepts every timing.
   *
   * @param renewalInterval how often the member renews
   * @param renewalDeadline how long after its last renewal the others may take it for dead
   * @throws dev.quorate.lock.ConfigurationException if the action cannot fence in time
   */
  default void verify(Duration renewalInterval, Duration renewalDeadline) {}

  /**
   * Called after every renewal on a majority of disks; a watchdog pets here. The default does
   * nothing.
   *
   * @param atNanos the renewal time on the local monotonic clock
   */
  default void renewed(long atNanos) {}

  /**
   * Called once when the member stops cleanly within its renewal deadline, never after {@link
   * #fence}: a watchdog is disarmed here. The default does nothing.
   */
  default void disarm() {}

  /**
   * Fences the local member. May not return (exit, reset).
   *
   * @param reason why
   * @param detail a human-readable explanation
   */
  void fence(SelfFenceReason reason, String detail);

  /**
   * Returns an action that calls {@code onFence}; for embedding, where the application stops its
   * own work.
   *
   * @param onFence receives the reason
   * @return the action
   */
  static SelfFence callback(Consumer<SelfFenceReason> onFence) {
    return (reason, detail) -> onFence.accept(reason);
  }

  /**
   * Returns an action that halts the JVM with {@link #EXIT_STATUS}, skipping shutdown hooks (a hook
   * must not mark a heartbeat slot as cleanly stopped).
   *
   * @return the action
   */
  static SelfFence exit() {
    return (reason, detail) -> {
      System.err.println("quorate: fencing this member (" + reason + "): " + detail);
      Runtime.getRuntime().halt(EXIT_STATUS);
    };
  }
}
