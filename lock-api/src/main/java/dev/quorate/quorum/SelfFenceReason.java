package dev.quorate.quorum;

/**
 * Why a member fences itself: it lost quorum, or its quorum disk or storage lease told it to go.
 *
 * <pre>{@code
 * SelfFence log = (reason, detail) -> LOG.error("fencing myself ({}): {}", reason, detail);
 * }</pre>
 */
public enum SelfFenceReason {
  /**
   * The member's partition lost quorum under {@link NoQuorumPolicy#SELF_FENCE} ({@link
   * QuorumService}).
   */
  QUORUM_LOST,
  /** The quorum disk's master wrote EVICT to this node's mailbox. */
  EVICTED,
  /** A poison pill (RESET or OFF) was found in this node's mailbox. */
  POISON_PILL,
  /**
   * The node could not renew its heartbeat slot or host lease on a strict majority of its disks
   * within its deadline.
   */
  RENEWAL_DEADLINE,
  /**
   * Another process wrote this node's heartbeat slot: two processes run with one node id, and peers
   * can no longer tell which of them is alive.
   */
  DUPLICATE_NODE_ID
}
