package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.SlotState;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Liveness of one peer on the observer's own clock. The only evidence of life is a higher sequence
 * (or a new incarnation) than the last one seen; a missing, torn or corrupt record is no evidence
 * either way and counts as a miss, so it can delay UP and hasten nothing but the normal DOWN.
 */
final class PeerTracker {
  /** What one observation changed. */
  enum Transition {
    NONE,
    UP,
    DOWN,
    RESTARTED,
    STOPPED,
    UNDEAD
  }

  final int nodeId;
  private NodeLiveness liveness = NodeLiveness.UNKNOWN;
  private HeartbeatSlot last;
  private long lastChangeAt;
  // Only real progress, never the baseline of a first sight: what the fence guard's veto reads.
  private OptionalLong lastProgressAt = OptionalLong.empty();
  private int misses;
  private int updates;
  private long totalMisses;
  private long corruptReads;
  private long undeadWrites;
  private long evictedIncarnation = -1;

  PeerTracker(int nodeId) {
    this.nodeId = nodeId;
  }

  /**
   * Records one heartbeat's evidence: the best valid record over all disks, and whether some disk
   * held a record that failed its checks.
   */
  Transition observe(Optional<HeartbeatSlot> best, boolean corrupt, long now, DiskTiming t) {
    if (best.isEmpty()) {
      if (corrupt) {
        corruptReads++;
      }
      return miss(now, t);
    }
    HeartbeatSlot s = best.get();
    if (last == null) {
      // First sight is a baseline, not a heartbeat: the slot may be years old.
      last = s;
      liveness = s.state() == SlotState.STOPPED ? NodeLiveness.STOPPED : NodeLiveness.UNKNOWN;
      lastChangeAt = now;
      return Transition.NONE;
    }
    if (s.incarnation() > last.incarnation()) {
      boolean wasAlive = liveness == NodeLiveness.UP || liveness == NodeLiveness.JOINING;
      last = s;
      misses = 0;
      updates = 1;
      lastChangeAt = now;
      lastProgressAt = OptionalLong.of(now);
      liveness = joinOrUp(s, t);
      return wasAlive
          ? Transition.RESTARTED
          : liveness == NodeLiveness.UP ? Transition.UP : Transition.NONE;
    }
    if (s.incarnation() < last.incarnation() || s.sequence() <= last.sequence()) {
      return miss(now, t);
    }
    last = s;
    misses = 0;
    lastChangeAt = now;
    lastProgressAt = OptionalLong.of(now);
    if (liveness == NodeLiveness.DOWN) {
      // Declared dead in this incarnation: it must restart to count again (qdiskd's "undead").
      undeadWrites++;
      return Transition.UNDEAD;
    }
    if (s.state() == SlotState.STOPPED) {
      liveness = NodeLiveness.STOPPED;
      return Transition.STOPPED;
    }
    updates++;
    if (liveness != NodeLiveness.UP) {
      liveness = joinOrUp(s, t);
      return liveness == NodeLiveness.UP ? Transition.UP : Transition.NONE;
    }
    return Transition.NONE;
  }

  private NodeLiveness joinOrUp(HeartbeatSlot s, DiskTiming t) {
    if (s.state() == SlotState.STOPPED) {
      return NodeLiveness.STOPPED;
    }
    return updates >= t.tkoUp() ? NodeLiveness.UP : NodeLiveness.JOINING;
  }

  private Transition miss(long now, DiskTiming t) {
    if (liveness != NodeLiveness.UP && liveness != NodeLiveness.JOINING) {
      return Transition.NONE;
    }
    misses++;
    totalMisses++;
    updates = 0;
    boolean longEnough = now - lastChangeAt >= t.detectionTime().toNanos();
    if (misses >= t.tko() && longEnough) {
      boolean wasUp = liveness == NodeLiveness.UP;
      liveness = wasUp ? NodeLiveness.DOWN : NodeLiveness.UNKNOWN;
      return wasUp ? Transition.DOWN : Transition.NONE;
    }
    return Transition.NONE;
  }

  NodeLiveness liveness() {
    return liveness;
  }

  Optional<HeartbeatSlot> last() {
    return Optional.ofNullable(last);
  }

  boolean isUp() {
    return liveness == NodeLiveness.UP;
  }

  /** Whether the master must still evict it: DOWN and not yet evicted in this incarnation. */
  boolean needsEviction() {
    return liveness == NodeLiveness.DOWN
        && last != null
        && last.state() != SlotState.STOPPED
        && evictedIncarnation != last.incarnation();
  }

  void markEvicted() {
    evictedIncarnation = last.incarnation();
  }

  NodeStatus status() {
    return new NodeStatus(
        nodeId,
        liveness,
        last == null ? SlotState.EMPTY : last.state(),
        last == null ? 0 : last.incarnation(),
        last == null ? 0 : last.sequence(),
        misses,
        totalMisses,
        corruptReads,
        undeadWrites,
        last != null && evictedIncarnation == last.incarnation(),
        lastProgressAt);
  }
}
