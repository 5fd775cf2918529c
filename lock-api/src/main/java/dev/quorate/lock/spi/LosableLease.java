package dev.quorate.lock.spi;

import dev.quorate.lock.Lease;

/**
 * A lease that can be given up as lost rather than released: the lock is freed, but whatever tells
 * the lock manager that its holder ended without a release stays, so a recovery gate is asked
 * before the lock is granted again. The quorum gate revokes leases this way: a member whose quorum
 * ended may still have threads writing, which is what "lost" means to a {@link
 * dev.quorate.lock.RecoveryGate}; a plain {@link Lease#release()} would hand the lock on at once.
 *
 * <p>A lease that does not implement it has nothing to keep (the in-process manager's holders live
 * and die with the process): release it.
 */
public interface LosableLease extends Lease {
  /**
   * Frees the lock as a lost holder: the lease becomes {@link dev.quorate.lock.LeaseState#LOST} and
   * its lock is granted elsewhere only as a lost holder's would be. Does nothing once the lease is
   * over.
   *
   * @param cause why, for the LOST event
   */
  void abandon(String cause);

  /**
   * Gives up {@code lease} as lost if it can be, else releases it.
   *
   * @param lease the lease
   * @param cause why
   */
  static void abandonOrRelease(Lease lease, String cause) {
    if (lease instanceof LosableLease losable) {
      losable.abandon(cause);
    } else {
      lease.release();
    }
  }
}
