package dev.quorate.qdisk;

import dev.quorate.qdisk.internal.WatchdogFence;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a node does when it must leave the cluster at once. The engine stops writing before it calls
 * {@link #fence}; the action makes sure the node also stops touching shared resources. Only a
 * hardware watchdog also covers a node that is paused (SIGSTOP, a frozen VM) and never gets to run
 * this code: the others rely on the paused node being reset before its renewal deadline ends.
 *
 * <p>Every action that ends the process ends it with {@link #EXIT_STATUS}, and only a self-fence
 * does: a service manager must never restart on that status (the shipped systemd unit says {@code
 * RestartPreventExitStatus=70}), or the node rejoins the cluster that just evicted it and, with a
 * watchdog, opens and pets the watchdog again so the machine is never reset.
 *
 * <pre>{@code
 * SelfFence action = SelfFence.watchdog(WatchdogDevice.of(Path.of("/dev/watchdog")));
 * SelfFence daemon = SelfFence.exit();                  // halts with EXIT_STATUS
 * SelfFence inTests = SelfFence.callback(reason -> fenced.set(reason));
 * }</pre>
 */
public interface SelfFence {
  /** The exit status of every self-fence that ends the process, and of nothing else: 70. */
  int EXIT_STATUS = 70;

  /**
   * Checks, before the engine writes anything, that this action can keep the disk's timing; a
   * watchdog reads its timeout back here. The default accepts every timing.
   *
   * @param timing the disk's timing
   * @throws dev.quorate.lock.ConfigurationException if the action cannot fence in time
   */
  default void verify(DiskTiming timing) {}

  /**
   * Called after every heartbeat that renewed on a majority of disks; a watchdog pets here.
   *
   * @param atNanos the renewal time on the local monotonic clock
   */
  default void renewed(long atNanos) {}

  /**
   * Called once when the engine stops cleanly (its slot marked STOPPED within its renewal
   * deadline), never after {@link #fence}: a watchdog is disarmed here. The default does nothing.
   */
  default void disarm() {}

  /**
   * Fences the local node. May not return (exit, reset).
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
   * must not mark the slot as cleanly stopped).
   *
   * @return the action
   */
  static SelfFence exit() {
    return (reason, detail) -> {
      System.err.println("quorum disk: fencing this node (" + reason + "): " + detail);
      Runtime.getRuntime().halt(EXIT_STATUS);
    };
  }

  /**
   * Returns an action that pets a Linux watchdog after every renewal and never writes its magic
   * close character while fencing. {@link #verify} reads the watchdog's timeout back and refuses
   * one the timing cannot cover ({@link WatchdogDevice#check}); the device is opened, and so armed,
   * at the first renewal; {@link #disarm} writes the magic close {@code 'V'} on a clean stop. To
   * fence it stops petting, keeps the device open (a driver without magic close support would stop
   * on close) and, should the machine still run after twice the timeout, halts with {@link
   * #EXIT_STATUS}.
   *
   * @param watchdog the device, its sysfs directory and expected timeout
   * @return the action
   */
  static SelfFence watchdog(WatchdogDevice watchdog) {
    return new WatchdogFence(watchdog, DiskClock.system(), Runtime.getRuntime()::halt);
  }

  /**
   * Returns {@link #watchdog(WatchdogDevice)} for {@code device}, its sysfs directory derived from
   * its name ({@link WatchdogDevice#of}).
   *
   * @param device such as {@code /dev/watchdog}
   * @return the action
   */
  static SelfFence watchdog(Path device) {
    return watchdog(WatchdogDevice.of(device));
  }
}
