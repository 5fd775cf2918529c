package dev.quorate.zk.internal;

import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The value block the holder of one lease staged, and its way to ZooKeeper: a release in a mode
 * that writes value blocks writes it in the transaction that deletes the node, a down-conversion as
 * the old node goes (VMS: on any down-conversion). Only the holder stages; the lease's steps write.
 */
final class StagedValue {
  private static final Logger log = LoggerFactory.getLogger(StagedValue.class);
  private static final CompletableFuture<ZkNodes.Release> SENT =
      CompletableFuture.completedFuture(ZkNodes.Release.DELETED);

  private final ZkNodes nodes;
  private final String container;
  private final LeaseEnds ends;

  private volatile ValueBlock staged;

  /**
   * What the holder's release waits for once the release was sent: ZooKeeper's answer to a release
   * that writes a value block, nothing more for a plain delete. Read and written on the steps.
   */
  private CompletableFuture<ZkNodes.Release> released = SENT;

  StagedValue(ZkNodes nodes, String container, LeaseEnds ends) {
    this.nodes = nodes;
    this.container = container;
    this.ends = ends;
  }

  /**
   * Deletes the node a conversion switched away from, writing the staged value block if {@code r}
   * says so, then reads the version to write the next one with; if that read fails the old version
   * stays, so a later write is refused rather than overwriting a newer value.
   */
  Optional<LeaseInput> retire(LeaseEffect.RetireNode r, LeaseStatus s) {
    ValueBlock write = r.writeStaged() ? staged : null;
    if (write == null) {
      nodes.delete(r.old().path());
      return Optional.empty();
    }
    nodes.release(container, r.old().path(), write, s.value().version());
    try {
      return Optional.of(new LeaseInput.ValueRead(nodes.reads().readValue(container)));
    } catch (QuorateException e) {
      log.warn("value block of {} not read back after a down-conversion", container, e);
      return Optional.empty();
    } finally {
      staged = null;
    }
  }

  /** Ends the held node as {@code e} says, with the staged value block if it is a release. */
  void end(LeaseEffect.EndHeld e, LeaseStatus s) {
    ValueBlock write = null;
    if (e.end() == LeaseEffect.End.RELEASED) {
      write = s.mode().writesValueBlock() ? staged : null;
      staged = null;
    }
    CompletableFuture<ZkNodes.Release> answer =
        ends.end(e.end(), e.node(), write, s.value() == null ? -1 : s.value().version());
    if (e.end() == LeaseEffect.End.RELEASED) {
      // A plain delete only has to be sent: the node stays until it commits, which delays others
      // and never lets two hold, and the holder's next request on this session is ordered after
      // it. A value block's transaction is awaited: its answer says whether the value was written
      // (VALUE_NOT_WRITTEN is logged), and the holder learns it before it goes on.
      released = write == null ? SENT : answer;
    }
  }

  /**
   * What the holder's release waits for, once the last {@code EndHeld(RELEASED)} was sent (on the
   * steps): completed at once after a plain delete, ZooKeeper's answer after a value block write.
   */
  CompletableFuture<ZkNodes.Release> released() {
    return released;
  }

  ValueBlock staged() {
    return staged;
  }

  /** Called by the holder. */
  void stage(ValueBlock value) {
    staged = value;
  }
}
