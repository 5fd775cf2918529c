package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's standing in the lease area: it renews the delta lease every renewal interval and owns
 * the host's state. GRANTED while renewals succeed; SUSPECT at the first failed renewal (stop
 * touching resources: the next renewal may still save the leases); LOST once {@code
 * renewalDeadline} has passed since the start of the last successful renewal, which {@link
 * LeaseTiming#check()} places one renewal and one I/O before any other host may take the leases. At
 * LOST with leases held it calls the {@link SelfFence}, for the holder that cannot stop in time.
 */
final class HostLease {
  private static final Logger LOG = LoggerFactory.getLogger(HostLease.class);

  private final DeltaLease delta;
  private final LeaseTiming timing;
  private final MonotonicClock clock;
  private final ScheduledExecutorService renewer;
  private final SelfFence selfFence;
  private final BooleanSupplier holdsLeases;
  private final BiConsumer<LeaseState, String> onChange;
  private LeaseState state = LeaseState.GRANTED; // guarded by this
  private ScheduledFuture<?> renewals;
  private ScheduledFuture<?> deadline;

  HostLease(
      DeltaLease delta,
      LeaseTiming timing,
      MonotonicClock clock,
      ScheduledExecutorService renewer,
      SelfFence selfFence,
      BooleanSupplier holdsLeases,
      BiConsumer<LeaseState, String> onChange) {
    this.delta = delta;
    this.timing = timing;
    this.clock = clock;
    this.renewer = renewer;
    this.selfFence = selfFence;
    this.holdsLeases = holdsLeases;
    this.onChange = onChange;
  }

  /** Starts renewing the acquired host id. */
  void start() {
    selfFence.renewed(delta.lastRenewalStart());
    synchronized (this) {
      armDeadline();
      // The period counts from the acquiring write, not from now: acquiring waited 2 x io after
      // it, and a first renewal one full period later could miss the deadline.
      long period = timing.renewalInterval().toNanos();
      long first = Math.max(0, delta.lastRenewalStart() + period - clock.nanoTime());
      renewals = renewer.scheduleAtFixedRate(this::renewOnce, first, period, TimeUnit.NANOSECONDS);
    }
  }

  synchronized LeaseState state() {
    // A host continued after a pause past its deadline runs before its renewer does: past the
    // deadline on this host's own clock the host lease is lost, whatever the flag says yet.
    if (state != LeaseState.LOST && renewals != null && pastDeadline()) {
      return LeaseState.LOST;
    }
    return state;
  }

  /** True once renewal_deadline has passed since the last successful renewal started. */
  private boolean pastDeadline() {
    return clock.nanoTime() - (delta.lastRenewalStart() + timing.renewalDeadline().toNanos()) >= 0;
  }

  private void renewOnce() {
    // A renewal that starts past the deadline (the host was paused) must not bring the host lease
    // back: others may have taken this host's leases since host_expiry.
    if (pastDeadline()) {
      lose(
          "host id "
              + delta.hostId()
              + " not renewed within renewal_deadline "
              + timing.renewalDeadline().toMillis()
              + " ms");
      return;
    }
    String failure;
    try {
      if (delta.renew()) {
        selfFence.renewed(delta.lastRenewalStart());
        synchronized (this) {
          armDeadline();
        }
        move(LeaseState.GRANTED, "renewed");
        return;
      }
      failure = "renewal of host id " + delta.hostId() + " failed on a majority of disks";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (QuorateException e) {
      if (e.code() == dev.quorate.lock.ErrorCode.REFUSED) {
        // Another host wrote our id: it believes we are dead, so we are.
        lose(e.getMessage());
        return;
      }
      failure = e.getMessage();
    }
    move(LeaseState.SUSPECT, failure);
  }

  /** Schedules the loss at the last renewal's start plus the deadline; guarded by this. */
  private void armDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
    }
    long at = delta.lastRenewalStart() + timing.renewalDeadline().toNanos();
    deadline =
        renewer.schedule(
            () -> {
              if (clock.nanoTime() - at >= 0) {
                lose(
                    "host id "
                        + delta.hostId()
                        + " not renewed within renewal_deadline "
                        + timing.renewalDeadline().toMillis()
                        + " ms");
              }
            },
            Math.max(0, at - clock.nanoTime()),
            TimeUnit.NANOSECONDS);
  }

  private void lose(String why) {
    synchronized (this) {
      if (state == LeaseState.LOST) {
        return;
      }
      renewals.cancel(false);
      deadline.cancel(false);
    }
    boolean held = holdsLeases.getAsBoolean();
    move(LeaseState.LOST, why);
    if (held) {
      LOG.error("self-fencing: {} while leases were held", why);
      selfFence.fence(SelfFenceReason.RENEWAL_DEADLINE, why);
    }
  }

  private void move(LeaseState to, String why) {
    synchronized (this) {
      if (state == to || state == LeaseState.LOST) {
        return;
      }
      state = to;
    }
    LOG.warn("host id {} is {}: {}", delta.hostId(), to, why);
    onChange.accept(to, why);
  }

  /** Stops renewing and releases the id on the disks; others may take it at once. */
  void stop() throws InterruptedException {
    synchronized (this) {
      if (renewals != null) {
        renewals.cancel(false);
        deadline.cancel(false);
      }
      if (state == LeaseState.LOST) {
        return;
      }
      state = LeaseState.LOST;
    }
    delta.release();
    selfFence.disarm();
  }
}
