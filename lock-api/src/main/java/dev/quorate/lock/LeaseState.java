package dev.quorate.lock;

/**
 * Where a lease stands. Transitions: GRANTED to SUSPECT and back, any state to LOST or RELEASED;
 * LOST and RELEASED are final.
 */
public enum LeaseState {
  /** The holder owns the lock in its mode and may use the resource. */
  GRANTED,
  /**
   * The holder may have lost the lock (its connection to the lock service is suspended). Stop
   * touching the resource; the lease returns to GRANTED if the connection comes back in time, or
   * becomes LOST.
   */
  SUSPECT,
  /** The lease is gone: session expired, lock node deleted, revoked, or the manager closed. */
  LOST,
  /** The holder released the lease. */
  RELEASED;

  /**
   * Says whether no further transition can happen.
   *
   * @return true for LOST and RELEASED
   */
  public boolean isFinal() {
    return this == LOST || this == RELEASED;
  }
}
