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
 * <pre>{@code
 * SelfFence action = SelfFence.watchdog(Path.of("/dev/watchdog"));
 * SelfFence inTests = SelfFence.callback(reason -> fenced.set(reason));
 * }</pre>
 */
public interface SelfFence {
  /**
   * Called after every heartbeat that renewed on a majority of disks; a watchdog pets here.
   *
   * @param atNanos the renewal time on the local monotonic clock
   */
  default void renewed(long atNanos) {}

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
   * Returns an action that halts the JVM with {@code status}, skipping shutdown hooks (a hook must
   * not mark the slot as cleanly stopped).
   *
   * @param status the exit status
   * @return the action
   */
  static SelfFence exit(int status) {
    return (reason, detail) -> {
      System.err.println("quorum disk: fencing this node (" + reason + "): " + detail);
      Runtime.getRuntime().halt(status);
    };
  }

  /**
   * Returns an action that pets a Linux watchdog device after every renewal and, to fence, stops
   * petting it and halts; the watchdog then resets the machine. Set the watchdog's timeout below
   * the renewal deadline.
   *
   * @param device such as {@code /dev/watchdog}
   * @return the action
   */
  static SelfFence watchdog(Path device) {
    return new WatchdogFence(device);
  }
}
