package dev.quorate.zk.internal;

import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;

/**
 * What happened to a {@link ZkLease}, as its transition function ({@link LeaseMachine#next}) takes
 * it: ZooKeeper's answers, its watches, the connection, its holder and its manager.
 */
sealed interface LeaseInput {
  /** The request's node was created; {@code read} is the listing pipelined behind it, or null. */
  record Created(ZkNodes.Created node, ZkReads.Pipelined read) implements LeaseInput {}

  /** The create failed. */
  record CreateFailed(QuorateException failure) implements LeaseInput {}

  /**
   * The queue was listed for the request's node {@code node}; {@code read} carries the value block
   * read behind it (null in tests). A listing sent for an earlier node (the request queued again
   * while it was under way) no longer counts.
   */
  record QueueRead(QueueSnapshot queue, ZkReads.Pipelined read, ZkNodes.Created node)
      implements LeaseInput {}

  /** Listing the queue, checking the grant, or watching a node failed. */
  record ReadFailed(QuorateException failure) implements LeaseInput {}

  /**
   * Nothing blocks the request and, on a gated lock, the gate admitted it; {@code nodeWatched}: a
   * watch that fires on the deletion of its node is in place already (the queue watch of the
   * listing that granted it, or the watch of its own node set while it waited).
   */
  record Admitted(ZkReads.Value value, boolean nodeWatched) implements LeaseInput {}

  /** The recovery gate withheld a request that may not wait. */
  record Refused() implements LeaseInput {}

  /** A node we waited behind changed (or the gate asks to look again): read the queue again. */
  record BlockerGone() implements LeaseInput {}

  /**
   * The node that request {@code node} waited behind was deleted, and nothing else happened to it
   * first (conversions and value block writes change a node's data before it goes): the wake-up
   * armed with {@code value}, the value block of the listing that decided the wait.
   */
  record BlockerDeleted(ZkNodes.Created node, ZkReads.Value value) implements LeaseInput {}

  /** The queue changed; a held lease watches its own node again. */
  record NodeChanged() implements LeaseInput {}

  /** Requests may have come that this holder keeps waiting. */
  record WaitersChanged() implements LeaseInput {}

  /** The node at {@code path} was deleted. */
  record NodeDeleted(String path) implements LeaseInput {}

  /** The connection was suspended. */
  record Suspended() implements LeaseInput {}

  /** The connection is back, in session {@code session} (0 if none). */
  record Reconnected(long session) implements LeaseInput {}

  /** Whether the held node exists, as read (and watched) after a reconnect or a failed watch. */
  record NodeChecked(boolean exists) implements LeaseInput {}

  /** Checking the held node (and setting its watch) failed. */
  record CheckFailed(QuorateException failure) implements LeaseInput {}

  /** The session is lost. */
  record SessionLost() implements LeaseInput {}

  /** The requester gave up (timeout, interrupt), with {@code failure} to tell it, or null. */
  record Withdraw(QuorateException failure) implements LeaseInput {}

  /** The holder released the lease. */
  record Release() implements LeaseInput {}

  /** The holder gives the lease up as lost (the quorum gate's revocation). */
  record Abandon(String cause) implements LeaseInput {}

  /** The lock manager closes. */
  record Close() implements LeaseInput {}

  /** The holder asks for a conversion. */
  record ConversionAsked(LockMode to, boolean tryOnce, ZkConversion.Outcome outcome)
      implements LeaseInput {}

  /**
   * A conversion was granted: the lease holds {@code mode} on {@code node} now. An up-conversion
   * reads the value block ({@code value}) and takes the node's czxid as token; a down-conversion
   * ({@code value} null) keeps both.
   */
  record Converted(
      ZkNodes.Created node, LockMode mode, ZkReads.Value value, ZkConversion.Outcome outcome)
      implements LeaseInput {}

  /** The value block was read again (after a down-conversion wrote it). */
  record ValueRead(ZkReads.Value value) implements LeaseInput {}
}
