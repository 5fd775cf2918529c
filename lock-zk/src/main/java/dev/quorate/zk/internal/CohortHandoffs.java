package dev.quorate.zk.internal;

/**
 * The fairness bound of a {@link Cohort} under one ZooKeeper grant: while no other member waits,
 * its threads hand the grant to each other without bound; once another member waits (the grant's
 * blocking callback), at most {@code bound} more local grants, then the grant goes back to
 * ZooKeeper. Used under the cohort's lock.
 */
final class CohortHandoffs {
  private final int bound;
  private boolean contended;
  private int whileContended;

  CohortHandoffs(int bound) {
    this.bound = bound;
  }

  /** A new grant: its callback hears of other members only once the cohort asks, so uncontended. */
  void granted() {
    this.contended = false;
    this.whileContended = 0;
  }

  /** Another member waits for the grant. */
  void contended() {
    contended = true;
  }

  boolean isContended() {
    return contended;
  }

  /** Whether one more local grant is within the bound. */
  boolean mayHandOff() {
    return !contended || whileContended < bound;
  }

  /**
   * Counts a local grant.
   *
   * @return the local grants made since another member waits, or 0 while none does
   */
  int handedOff() {
    return contended ? ++whileContended : 0;
  }

  /** Whether the grant must go to the waiting member now, {@code nobodyHere} waiting locally. */
  boolean mustYield(boolean nobodyHere) {
    return contended && (nobodyHere || whileContended >= bound);
  }
}
