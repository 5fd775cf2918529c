package dev.quorate.lock;

import java.time.Instant;

/**
 * Asked before a lock whose previous holder was lost (its session or quorum ended while it held the
 * lock, rather than a clean release) is granted to another member: "no recovery before the fence".
 * The lost member may still be running and writing; until it is known to be stopped, a new holder
 * would share the resource with it. Resources that check {@link FencingToken}s themselves (behind a
 * {@link TokenGuard}) refuse the old holder's writes and need no gate; storage that checks nothing
 * needs one.
 *
 * <p>A lock manager that cannot tell a lost holder from a clean release refuses a lock with a gate
 * ({@link ConfigurationException}) rather than ignoring it. The ZooKeeper lock manager records each
 * gated grant under the member's name and asks the gate before granting the lock of a holder lost
 * without a release. The in-process manager accepts it and never asks: its holders live and die
 * with the one process. Every member that locks a gated resource must pass the gate.
 *
 * <p>The gate is polled: a lock manager asks {@link #recovered} again on a bounded schedule while a
 * waiter is held back, so an implementation must answer at once and never block.
 *
 * <pre>{@code
 * Set<String> confirmedStopped = ConcurrentHashMap.newKeySet(); // filled by an operator tool
 * RecoveryGate gate = (owner, heldSince, lostAtNanos) -> confirmedStopped.contains(owner);
 * LockOptions options = LockOptions.builder().recoveryGate(gate).build();
 * Lock lock = manager.lock("vm/web-1", options);
 * }</pre>
 */
@FunctionalInterface
public interface RecoveryGate {
  /**
   * Says whether the lost holder {@code owner} is known to be stopped, so its lock may be granted
   * to another member.
   *
   * @param owner the member name of the lost holder
   * @param heldSince when the lost holder's grant was recorded, on the lock service's wall clock
   *     (ZooKeeper: the ctime of its holder record, from the leader's clock); a fence that finished
   *     after it stopped that holder. Compared with another machine's clock it is only as good as
   *     their synchronisation
   * @param lostAtNanos when the loss was seen, on this process's {@link System#nanoTime()} clock;
   *     for deadlines only
   * @return true once the lock may be granted to another member
   */
  boolean recovered(String owner, Instant heldSince, long lostAtNanos);
}
