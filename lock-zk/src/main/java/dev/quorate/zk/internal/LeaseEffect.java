package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import java.util.List;

/**
 * What a {@link ZkLease} must do after a transition of {@link LeaseMachine#next}, in order; {@link
 * LeaseSteps} carries it out.
 */
sealed interface LeaseEffect {
  /** Create the request's node (after withdrawing {@code old}'s record on a gated lock). */
  record Create(ZkNodes.Created old) implements LeaseEffect {}

  /** List the queue (or use {@code read}, pipelined with the create) and report it. */
  record ReadQueue(ZkReads.Pipelined read) implements LeaseEffect {}

  /** Ask the recovery gate if the lock has one, read the value block, then report it admitted. */
  record Admit(QueueSnapshot queue, LockNode me, ZkReads.Pipelined read) implements LeaseEffect {}

  /**
   * Watch the nearest node that blocks the request, or if {@code older} is not empty ({@link
   * LeaseMachine#deletionGrants}), every node in it (every node older than the request, {@code
   * blockers} among them) and the request's own node: should every blocker be deleted bare and no
   * other older node change, report {@link LeaseInput.BlockerDeleted} with the value block of
   * {@code read}, the listing that decided the wait.
   *
   * @param blockers the nodes that keep the request waiting, nearest (highest sequence) last
   */
  record WatchBlocker(List<LockNode> blockers, List<LockNode> older, ZkReads.Pipelined read)
      implements LeaseEffect {
    LockNode nearest() {
      return blockers.get(blockers.size() - 1);
    }

    boolean deletionGrants() {
      return !older.isEmpty();
    }
  }

  /**
   * Grant a request that its blocker's deletion alone granted, with the value block {@code value}
   * of the listing that decided the wait, if the connection is still up (as for a listing's
   * answer).
   */
  record Wake(ZkReads.Value value) implements LeaseEffect {}

  /** Complete the requester's future with the lease. */
  record Grant() implements LeaseEffect {}

  /** Fail the requester's future. */
  record FailRequest(QuorateException failure) implements LeaseEffect {}

  /** Delete the node of a request that was never granted (and its record, if gated). */
  record DeleteRequest(ZkNodes.Created node) implements LeaseEffect {}

  /** Drop the lease from the manager's set. */
  record Forget() implements LeaseEffect {}

  /** Tell the listeners. */
  record Emit(LeaseState from, LeaseState to, String cause) implements LeaseEffect {}

  /** Watch the held node; {@code background} not waiting for the answer. */
  record WatchOwnNode(boolean background) implements LeaseEffect {}

  /** Tell the blocking callback of new waiters, now or in a step of its own. */
  record NotifyWaiters(boolean later) implements LeaseEffect {}

  /**
   * Check, after a reconnect or a failed watch of the held node, that it still exists, and watch
   * it.
   */
  record CheckOwnNode() implements LeaseEffect {}

  /** Look at the pending conversion again. */
  record EvaluateConversion() implements LeaseEffect {}

  /** Start a conversion of the held lease. */
  record BeginConversion(LockMode to, boolean tryOnce, ZkConversion.Outcome outcome)
      implements LeaseEffect {}

  /** Refuse a conversion: the lease is not GRANTED. */
  record RefuseConversion(ZkConversion.Outcome outcome) implements LeaseEffect {}

  /** Fail the pending conversion, if any, with {@code code} and {@code why}. */
  record FailConversion(ErrorCode code, String why) implements LeaseEffect {}

  /** Complete a granted conversion's future with the lease. */
  record CompleteConversion(ZkConversion.Outcome outcome) implements LeaseEffect {}

  /** Delete the node a conversion left behind, writing the staged value block if asked. */
  record RetireNode(ZkNodes.Created old, boolean writeStaged) implements LeaseEffect {}

  /** How a held lease's node goes. */
  enum End {
    /** A release: with the staged value block and, if gated, the holder record. */
    RELEASED,
    /** Lost: best effort, in the background; it is gone already unless only our view was lost. */
    LOST,
    /** The manager closed: deleted now; a gated lease keeps its record. */
    CLOSED,
    /** Given up as lost: the node and the record's session child go, the record stays. */
    ABANDONED
  }

  /** End the held node. */
  record EndHeld(End end, ZkNodes.Created node) implements LeaseEffect {}
}
