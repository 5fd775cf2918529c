package dev.quorate.qdisk;

/**
 * Something the engine noticed or did, delivered to listeners on the heartbeat thread (listeners
 * must not block).
 *
 * <pre>{@code
 * builder.listener(e -> {
 *   if (e.kind() == QuorumDiskEvent.Kind.MASTER_CHANGED) {
 *     quorumService.refresh();
 *   }
 * });
 * }</pre>
 *
 * @param kind what happened
 * @param nodeId the node it is about
 * @param term the master term involved, or the current one
 * @param atNanos when, on the local monotonic clock
 * @param untilNanos for TENURE, when the master's tenure ends (local monotonic clock); else 0
 * @param detail a human-readable explanation
 */
public record QuorumDiskEvent(
    Kind kind, int nodeId, long term, long atNanos, long untilNanos, String detail) {
  /** Event kinds. */
  public enum Kind {
    /** A peer became UP. */
    NODE_UP,
    /** A peer was declared DOWN after tko heartbeats without change. */
    NODE_DOWN,
    /** A peer started a new incarnation. */
    NODE_RESTARTED,
    /** A peer stopped cleanly. */
    NODE_STOPPED,
    /** A peer declared DOWN wrote again in the same incarnation. */
    UNDEAD_WRITE,
    /** The recognised master changed (a {@code VoteSource} owner should refresh quorum). */
    MASTER_CHANGED,
    /** The local node holds the master role until {@code untilNanos}. */
    TENURE,
    /** The local node gave up the master role. */
    TENURE_ENDED,
    /** The local master delivered an eviction to a DOWN peer. */
    EVICTED,
    /** The local node read a TEST message. */
    TEST_MESSAGE,
    /** The local node is fencing itself. */
    SELF_FENCE
  }
}
