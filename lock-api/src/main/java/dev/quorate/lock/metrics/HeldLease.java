package dev.quorate.lock.metrics;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseState;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Listens to one measured lease from its grant on: counts its transitions and records its hold time
 * when it ends. Added to the lease after the grant, not through the lock's options, so the manager
 * under measurement behaves as without it (the ZooKeeper manager's cohorting serves only requests
 * without option listeners); a transition in the instant between grant and adding is not counted,
 * but the end is never missed ({@link LockMeters#granted} checks the state after adding).
 */
final class HeldLease implements LeaseListener {
  private final LockMeters meters;
  private final long grantedAt;
  private final AtomicBoolean ended = new AtomicBoolean();

  HeldLease(LockMeters meters, long grantedAt) {
    this.meters = meters;
    this.grantedAt = grantedAt;
  }

  @Override
  public void onTransition(LeaseEvent event) {
    // The hold first: a reader that sees the transition counted sees the hold recorded.
    if (event.to().isFinal()) {
      ended(event.lease(), event.to());
    }
    meters.transition(event);
  }

  /** Records the hold once, however many ways its end is heard. */
  void ended(Lease lease, LeaseState end) {
    if (ended.compareAndSet(false, true)) {
      meters.hold(lease.mode(), end, meters.now() - grantedAt);
    }
  }
}
