package dev.quorate.zk.internal;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseListener;

/** What a {@link Cohort} needs of the ZooKeeper grant its local holders share. */
interface CohortGrant {
  /** Whether local grants may be made from it now: it is GRANTED. */
  boolean usable();

  /** Whether it is still held (GRANTED or SUSPECT). */
  boolean held();

  /** The resource queue's child version read with the grant: how often the queue had changed. */
  int queueChangesAtGrant();

  /** The lease lent to each local holder. */
  Lease lease();

  /**
   * Starts telling the cohort's blocking callback of other members' requests (a listing of the
   * queue, and a watch for more). A grant that serves one holder and goes at its release has nobody
   * to tell, so the cohort asks only once it keeps the grant beyond the current holder. Called
   * again, it does nothing.
   */
  void hearOtherMembers();

  /** Hears its transitions (SUSPECT, GRANTED again, LOST). */
  void onChange(LeaseListener listener);

  /** Gives it up: the node goes. */
  void giveUp();
}
