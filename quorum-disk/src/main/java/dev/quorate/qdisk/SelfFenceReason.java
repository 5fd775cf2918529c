package dev.quorate.qdisk;

/**
 * Why a node fences itself.
 *
 * <pre>{@code
 * SelfFence log = reason -> LOG.error("fencing myself: {}", reason);
 * }</pre>
 */
public enum SelfFenceReason {
  /** The master wrote EVICT to this node's mailbox. */
  EVICTED,
  /** A poison pill (RESET or OFF) was found in this node's mailbox. */
  POISON_PILL,
  /** The node could not renew its slot on a strict majority of its disks within its deadline. */
  RENEWAL_DEADLINE,
  /**
   * Another process wrote this node's heartbeat slot: two processes run with one node id, and peers
   * can no longer tell which of them is alive.
   */
  DUPLICATE_NODE_ID
}
