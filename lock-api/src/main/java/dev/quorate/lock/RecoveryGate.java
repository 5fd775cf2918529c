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
 * <p>A holder is lost when its session ended, its lock node was deleted by someone else, its quorum
 * ended ({@link dev.quorate.quorum.QuorumGate} revokes its leases as lost, not released), or its
 * lock manager was closed while it held the lease (other threads may still use it). A lost holder
 * gates every later grant of the resource, including the up-conversion of a lease that was held
 * beside it (converting up is a new grant).
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
   *     (ZooKeeper: the ctime of its holder record, from the leader's clock); a fence that started
   *     after it stopped that holder. Compared with another machine's clock it is only as good as
   *     their synchronisation
   * @param lostAtNanos when this process first saw the lost holder's session (or quorum) end, on
   *     its {@link System#nanoTime()} clock; for self-fence deadlines only. A holder whose lock
   *     node was deleted under a session that still lives is stopped by nothing on its own (no
   *     quorum loss, no watchdog): for it the lock manager passes the current time on every
   *     question, so no deadline counted from it passes while that session lives
   * @return true once the lock may be granted to another member
   */
  boolean recovered(String owner, Instant heldSince, long lostAtNanos);
}
