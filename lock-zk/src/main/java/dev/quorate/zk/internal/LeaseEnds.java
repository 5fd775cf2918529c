package dev.quorate.zk.internal;

import dev.quorate.lock.ValueBlock;
import java.util.concurrent.CompletableFuture;

/**
 * How one lease's nodes go in ZooKeeper: on a gated lock together with its {@link HolderRecord}
 * ({@link RecordedEnd}), else the lock node alone ({@link ZkNodes}). Runs on the lease's steps.
 */
final class LeaseEnds {
  private final ZkLockService service;
  private final ZkNodes nodes;
  private final String container;
  private final RecoveryCheck recovery;

  /**
   * @param recovery the lock's recovery check, or null if ungated
   */
  LeaseEnds(ZkLockService service, ZkNodes nodes, String container, RecoveryCheck recovery) {
    this.service = service;
    this.nodes = nodes;
    this.container = container;
    this.recovery = recovery;
  }

  /** Withdraws a request that never reached its caller: its node, and any record of it, go. */
  void withdraw(ZkNodes.Created node) {
    if (recovery != null) {
      // A grant whose reply was lost may have written our record: it goes with the node.
      recorded().withdraw(node.path(), recovery.recordPath(node.name()));
    } else {
      nodes.delete(node.path());
    }
  }

  /**
   * Before a request queues again after its node {@code old} went: a record at its old position
   * (written by a grant whose reply was lost) goes first, or it would gate this very request as a
   * lost holder.
   */
  void requeue(ZkNodes.Created old) {
    if (recovery != null && old != null) {
      recorded().withdraw(old.path(), recovery.recordPath(old.name()));
    }
  }

  /**
   * Releases a held node, writing {@code write} (if not null) checked against {@code version}.
   *
   * @return ZooKeeper's answer for an ungated lock (never, if it only can after a reconnect);
   *     completed at once for a gated one, whose transaction runs (and retries) here
   */
  private CompletableFuture<ZkNodes.Release> release(
      ZkNodes.Created node, ValueBlock write, int version) {
    if (recovery == null) {
      return nodes.release(container, node.path(), write, version);
    }
    String record = recovery.recordPath(node.name());
    recorded().release(container, node.path(), write, version, record);
    return CompletableFuture.completedFuture(ZkNodes.Release.DELETED);
  }

  /**
   * Ends a held node as {@code end} says, writing {@code write} (if not null) on a release.
   *
   * @return ZooKeeper's answer to a release; completed at once for the other ends
   */
  CompletableFuture<ZkNodes.Release> end(
      LeaseEffect.End end, ZkNodes.Created node, ValueBlock write, int version) {
    switch (end) {
      case RELEASED -> {
        return release(node, write, version);
      }
      case LOST -> nodes.deleteInBackground(node.path());
      case CLOSED ->
          // LOST under threads that may still use the resource: a gated lease keeps its record
          // (and its session child, which ends with the session), so the next holder waits for
          // the gate as for any lost holder.
          nodes.delete(node.path());
      case ABANDONED -> abandon(node);
    }
    return CompletableFuture.completedFuture(ZkNodes.Release.DELETED);
  }

  /** Gives a held node up as lost: on a gated lock its record stays, for the recovery gate. */
  private void abandon(ZkNodes.Created node) {
    if (recovery != null) {
      recorded().abandon(node.path(), recovery.recordPath(node.name()));
    } else {
      nodes.delete(node.path());
    }
  }

  private RecordedEnd recorded() {
    return new RecordedEnd(service, nodes);
  }
}
