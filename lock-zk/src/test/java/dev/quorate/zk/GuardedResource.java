package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A resource behind a {@link TokenGuard} that records every access, and the holding interval of
 * every lease that was granted on it, so a test can check the safety invariants afterwards.
 */
final class GuardedResource {
  /** One attempt to use the resource. */
  record Access(Lease lease, FencingToken token, boolean accepted, long nanos) {}

  /** From the grant to the first transition away from GRANTED, as its holder observed them. */
  static final class Holding {
    final Lease lease;
    final long start = System.nanoTime();
    final List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    final List<Long> eventNanos = new CopyOnWriteArrayList<>();
    volatile long end = Long.MAX_VALUE;
    volatile LeaseState endedBy;

    Holding(Lease lease) {
      this.lease = lease;
    }

    synchronized void onTransition(LeaseEvent event) {
      long now = System.nanoTime();
      events.add(event);
      eventNanos.add(now);
      if (endedBy == null && event.to() != LeaseState.GRANTED) {
        end = now;
        endedBy = event.to();
      }
    }

    /** The holder lets go now: its event may be delivered after the next holder's grant. */
    synchronized void releasing(long now) {
      if (endedBy == null) {
        end = now;
        endedBy = LeaseState.RELEASED;
      }
    }

    boolean reportedLost() {
      return events.stream().anyMatch(e -> e.to() == LeaseState.LOST);
    }

    /**
     * When the listener first heard of {@code state}; null if not (yet): it hears after state().
     */
    synchronized Long firstNanosOf(LeaseState state) {
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).to() == state) {
          return eventNanos.get(i);
        }
      }
      return null;
    }
  }

  /** How long a lost lease may still believe it holds after the service moved on. */
  static final Duration LOSS_DETECTION = Duration.ofSeconds(1);

  private final TokenGuard guard = TokenGuard.inMemory();
  private final List<Access> log = new CopyOnWriteArrayList<>();
  private final Map<Lease, Holding> holdings = new ConcurrentHashMap<>();
  private final Set<Lease> releasedByHolder = ConcurrentHashMap.newKeySet();

  /** Starts tracking a lease just granted. */
  Holding granted(Lease lease) {
    Holding holding = new Holding(lease);
    holdings.put(lease, holding);
    lease.addListener(holding::onTransition);
    return holding;
  }

  Holding holding(Lease lease) {
    return holdings.get(lease);
  }

  /** A careful holder's write: checks its lease, then shows its token. */
  boolean write(Lease lease) {
    if (lease.state() != LeaseState.GRANTED) {
      return false;
    }
    return staleWrite(lease);
  }

  /** A write by a holder that paused after its check: only the token protects the resource. */
  boolean staleWrite(Lease lease) {
    try {
      guard.access(
          lease.token(), () -> log.add(new Access(lease, lease.token(), true, System.nanoTime())));
      return true;
    } catch (StaleTokenException e) {
      log.add(new Access(lease, lease.token(), false, System.nanoTime()));
      return false;
    }
  }

  void release(Lease lease) {
    releasedByHolder.add(lease);
    Holding holding = holdings.get(lease);
    if (holding != null) {
      holding.releasing(System.nanoTime());
    }
    lease.release();
  }

  /** Asserts the invariants every fault test checks. */
  void assertSafe() {
    List<String> violations = new ArrayList<>();
    FencingToken highest = null;
    for (Access access : log) {
      if (access.accepted()) {
        if (highest != null && access.token().compareTo(highest) < 0) {
          violations.add("stale token " + access.token() + " accepted after " + highest);
        }
        highest = access.token();
      }
    }
    List<Holding> all = new ArrayList<>(holdings.values());
    for (int a = 0; a < all.size(); a++) {
      for (int b = a + 1; b < all.size(); b++) {
        Holding x = all.get(a);
        Holding y = all.get(b);
        if (x.lease.mode().compatibleWith(y.lease.mode())) {
          continue;
        }
        long overlap = Math.min(x.end, y.end) - Math.max(x.start, y.start);
        if (overlap <= 0) {
          continue;
        }
        boolean lossInvolved =
            x.endedBy == LeaseState.LOST
                || y.endedBy == LeaseState.LOST
                || x.endedBy == LeaseState.SUSPECT
                || y.endedBy == LeaseState.SUSPECT;
        if (!lossInvolved || overlap > LOSS_DETECTION.toNanos()) {
          violations.add(
              x.lease + " and " + y.lease + " both GRANTED for " + overlap / 1_000_000 + " ms");
        }
      }
    }
    for (Holding holding : all) {
      if (!releasedByHolder.contains(holding.lease) && !holding.reportedLost()) {
        violations.add(holding.lease + " ended without being released or reported LOST");
      }
    }
    assertThat(violations).isEmpty();
  }

  List<Access> log() {
    return log;
  }
}
