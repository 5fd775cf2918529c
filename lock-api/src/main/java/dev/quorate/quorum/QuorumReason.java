package dev.quorate.quorum;

/**
 * Why a {@link QuorumState} is quorate or not. Stable, machine-readable; the state's {@link
 * QuorumState#explanation()} gives the numbers in words.
 */
public enum QuorumReason {
  /** No membership has been evaluated yet. */
  NO_MEMBERSHIP,
  /**
   * wait_for_all: not every expected vote has been present at the same time since start (or since
   * quorum was last lost), so the partition is held inquorate however many votes it has.
   */
  WAITING_FOR_ALL,
  /** The votes present reach the threshold {@code expected / 2 + 1}. */
  MAJORITY,
  /**
   * two_node: the threshold is 1 while at most two members are present. Both halves of a split are
   * quorate; fencing (with delays) decides which survives.
   */
  TWO_NODE,
  /** Exactly half of the expected votes, and the tie-breaker chose this partition. */
  TIE_BREAKER_WON,
  /**
   * Exactly half of the expected votes, but the tie-breaker did not choose this partition, or the
   * members that left could themselves hold quorum.
   */
  TIE_BREAKER_LOST,
  /** Fewer votes than the threshold (and not a tie the tie-breaker could decide). */
  BELOW_THRESHOLD
}
