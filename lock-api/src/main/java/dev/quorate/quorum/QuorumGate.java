package dev.quorate.quorum;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LockManager;
import dev.quorate.quorum.internal.GatedLockManager;

/**
 * Makes any {@link LockManager} require quorum: no grant (no lease, up-conversion, leadership of an
 * {@link dev.quorate.lock.Election} or permit of a {@link dev.quorate.lock.Semaphore}) while the
 * local member's partition is not quorate, requests still waiting when quorum is lost are
 * withdrawn, and, under {@link NoQuorumPolicy#STOP}, every held lease, leadership and permit turns
 * {@link dev.quorate.lock.LeaseState#LOST} the moment the {@link QuorumService} reports the loss. A
 * refused request fails with {@link ErrorCode#NO_QUORUM}. Elections and semaphores are offered when
 * the wrapped manager offers them.
 *
 * <pre>{@code
 * QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build();
 * LockManager manager = QuorumGate.requireQuorum(LockManager.inProcess(), quorum);
 * }</pre>
 */
public final class QuorumGate {
  private QuorumGate() {}

  /**
   * Wraps {@code manager}. Closing the result closes {@code manager} (not the quorum service).
   *
   * @param manager the lock manager to gate
   * @param quorum the local member's quorum service
   * @return a manager that grants only with quorum
   */
  public static LockManager requireQuorum(LockManager manager, QuorumService quorum) {
    return new GatedLockManager(manager, quorum);
  }
}
