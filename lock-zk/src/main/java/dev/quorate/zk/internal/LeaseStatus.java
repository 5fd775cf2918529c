package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;

/**
 * The state of one ZooKeeper request and, once granted, its lease: the value that {@link
 * LeaseMachine#next} takes and returns, and {@link ZkLease} keeps.
 *
 * @param phase where it is
 * @param node its lock node, or null while none is ours
 * @param mode the mode held (or asked for, until granted)
 * @param token the czxid of the node that was granted last; 0 before the grant
 * @param value the value block read at the grant, with the version to write it back with
 * @param releaseAsked the holder called release(): a loss found before that step ran is a release
 */
record LeaseStatus(
    Phase phase,
    ZkNodes.Created node,
    LockMode mode,
    long token,
    ZkReads.Value value,
    boolean releaseAsked) {
  /** Where a request is in its life; the holder sees it from GRANTED on. */
  enum Phase {
    CREATING,
    WAITING,
    GRANTED,
    SUSPECT,
    WITHDRAWN,
    RELEASED,
    LOST;

    boolean held() {
      return this == GRANTED || this == SUSPECT;
    }
  }

  static LeaseStatus requesting(LockMode mode) {
    return new LeaseStatus(Phase.CREATING, null, mode, 0, null, false);
  }

  LeaseStatus phase(Phase next) {
    return new LeaseStatus(next, node, mode, token, value, releaseAsked);
  }

  LeaseStatus node(ZkNodes.Created next) {
    return new LeaseStatus(phase, next, mode, token, value, releaseAsked);
  }

  LeaseStatus value(ZkReads.Value next) {
    return new LeaseStatus(phase, node, mode, token, next, releaseAsked);
  }

  LeaseStatus withReleaseAsked() {
    return new LeaseStatus(phase, node, mode, token, value, true);
  }

  /** The state as the holder sees it: RELEASED from its release() on, unless LOST first. */
  LeaseState holderView() {
    if (releaseAsked && phase != Phase.LOST) {
      return LeaseState.RELEASED;
    }
    return switch (phase) {
      case CREATING, WAITING, GRANTED -> LeaseState.GRANTED;
      case SUSPECT -> LeaseState.SUSPECT;
      case WITHDRAWN, RELEASED -> LeaseState.RELEASED;
      case LOST -> LeaseState.LOST;
    };
  }

  /** Why the holder may not use the lease in this state. */
  LeaseLostException notGranted(String resource) {
    String what =
        "lease on '" + resource + "' (token " + (token == 0 ? null : FencingToken.of(token)) + ")";
    return switch (holderView()) {
      case SUSPECT ->
          new LeaseLostException(
              ErrorCode.LEASE_SUSPECT,
              what
                  + " is SUSPECT: it may be lost (connection to ZooKeeper suspended, or its node"
                  + " could not be watched); stop using the resource");
      case LOST -> new LeaseLostException(ErrorCode.LEASE_LOST, what + " is lost");
      default -> new LeaseLostException(ErrorCode.LEASE_RELEASED, what + " was released");
    };
  }

  /** The state the holder saw before this transition. */
  LeaseState seen() {
    return phase == Phase.SUSPECT ? LeaseState.SUSPECT : LeaseState.GRANTED;
  }
}
