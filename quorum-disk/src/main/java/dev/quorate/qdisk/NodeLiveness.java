package dev.quorate.qdisk;

/**
 * What one node concludes about a peer from watching its slot on its own clock.
 *
 * <pre>{@code
 * long up = status.nodes().stream().filter(n -> n.liveness() == NodeLiveness.UP).count();
 * }</pre>
 */
public enum NodeLiveness {
  /** No valid heartbeat seen yet, or the slot was never written. */
  UNKNOWN,
  /** The sequence started changing, fewer than tko_up times so far. */
  JOINING,
  /** The sequence changes every interval. */
  UP,
  /** No change for tko heartbeats: presumed dead, to be evicted. */
  DOWN,
  /** The node wrote that it stopped cleanly. */
  STOPPED
}
