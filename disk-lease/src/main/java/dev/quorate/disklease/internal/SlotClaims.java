package dev.quorate.disklease.internal;

import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this host holds of each resource slot on the disks, and who inside the host needs it. A
 * {@link Claim} asks for a slot in shared or exclusive mode; the slot is acquired on the disks when
 * the first claim needs it, changed when the strongest claim changes, and released when the last
 * claim closes. All disk work runs on one worker thread, which also owns the {@link HostWatch}.
 */
final class SlotClaims {
  private static final Logger LOG = LoggerFactory.getLogger(SlotClaims.class);

  private final PaxosLease paxos;
  private final HostWatch watch;
  private final Holder me;
  private final ScheduledExecutorService worker;
  private final Duration retry;
  private final Map<Integer, Slot> slots = new HashMap<>(); // guarded by this
  private QuorateException failed; // guarded by this; set once, when no claim can be granted

  SlotClaims(
      PaxosLease paxos,
      HostWatch watch,
      Holder me,
      ScheduledExecutorService worker,
      Duration retry) {
    this.paxos = paxos;
    this.watch = watch;
    this.me = me;
    this.worker = worker;
    this.retry = retry;
  }

  /** One slot's state in this host. */
  private static final class Slot {
    final List<Claim> claims = new ArrayList<>();
    SlotMode held = SlotMode.FREE;
    SlotMode moving; // the mode the worker is moving the slot to, null when idle
    long lver;
    boolean scheduled;
  }

  /** A need for a slot; closing it gives the need up. */
  final class Claim implements AutoCloseable {
    private final int slot;
    private final SlotMode mode;
    private final CompletableFuture<Long> granted = new CompletableFuture<>();
    private final CompletableFuture<Void> tried = new CompletableFuture<>();

    private Claim(int slot, SlotMode mode) {
      this.slot = slot;
      this.mode = mode;
    }

    /** Completes with the lease version the slot is held at once this claim is covered. */
    CompletableFuture<Long> granted() {
      return granted;
    }

    /** Completes once the disks were asked at least once for this claim (or it was covered). */
    CompletableFuture<Void> tried() {
      return tried;
    }

    @Override
    public void close() {
      synchronized (SlotClaims.this) {
        Slot s = slots.get(slot);
        if (s == null || !s.claims.remove(this)) {
          return;
        }
        schedule(slot, s);
      }
      granted.cancel(false);
      tried.complete(null);
    }
  }

  /**
   * Claims {@code slot} in {@code mode}, shared or exclusive.
   *
   * @throws QuorateException if this host can no longer hold leases
   */
  Claim claim(int slot, SlotMode mode) {
    Claim c = new Claim(slot, mode);
    synchronized (this) {
      if (failed != null) {
        throw failed;
      }
      Slot s = slots.computeIfAbsent(slot, k -> new Slot());
      s.claims.add(c);
      // While the worker gives the slot up (or down), a grant under the old mode would outlive it.
      if (covers(s.held, mode) && (s.moving == null || covers(s.moving, mode))) {
        c.tried.complete(null);
        c.granted.complete(s.lver);
      } else {
        schedule(slot, s);
      }
    }
    return c;
  }

  /** Whether any slot is held on the disks. */
  synchronized boolean holdsAny() {
    return slots.values().stream().anyMatch(s -> s.held != SlotMode.FREE);
  }

  /** Fails every claim, now and later, with {@code why}; the disks are no longer ours. */
  void fail(QuorateException why) {
    List<Claim> all = new ArrayList<>();
    synchronized (this) {
      if (failed == null) {
        failed = why;
      }
      slots.values().forEach(s -> all.addAll(s.claims));
      slots.values().forEach(s -> s.held = SlotMode.FREE);
    }
    for (Claim c : all) {
      c.granted.completeExceptionally(why);
      c.tried.complete(null);
    }
  }

  /** Releases every held slot on the disks; for a clean close after {@link #fail}. */
  void releaseAll() throws InterruptedException {
    List<Integer> held = new ArrayList<>();
    synchronized (this) {
      slots.forEach((slot, s) -> held.add(slot));
    }
    for (int slot : held) {
      try {
        paxos.acquire(slot, me, SlotMode.FREE, h -> false);
        paxos.withdraw(slot);
      } catch (QuorateException e) {
        LOG.warn("releasing resource slot {} failed: {}", slot, e.getMessage());
      }
    }
  }

  /** Withdraws this host's request for the slot; retries later if the disks did not take it. */
  private void withdraw(int slot) {
    try {
      if (!paxos.withdraw(slot)) {
        worker.schedule(() -> withdraw(slot), retry.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean covers(SlotMode held, SlotMode wanted) {
    return held == SlotMode.EXCLUSIVE || held == wanted || wanted == SlotMode.FREE;
  }

  private void schedule(int slot, Slot s) {
    if (!s.scheduled && failed == null) {
      s.scheduled = true;
      worker.execute(() -> work(slot));
    }
  }

  /** Moves one slot towards what its claims need; runs on the worker. */
  private void work(int slot) {
    SlotMode target;
    List<Claim> asking;
    synchronized (this) {
      Slot s = slots.get(slot);
      if (s == null || failed != null) {
        return;
      }
      s.scheduled = false;
      target = SlotMode.FREE;
      for (Claim c : s.claims) {
        target =
            c.mode == SlotMode.EXCLUSIVE || target == SlotMode.EXCLUSIVE
                ? SlotMode.EXCLUSIVE
                : c.mode;
      }
      if (target == s.held) {
        if (target == SlotMode.FREE) {
          slots.remove(slot);
        }
        asking = null;
      } else {
        asking = new ArrayList<>(s.claims);
        s.moving = target;
      }
    }
    if (asking == null) {
      // Nothing to move, but a request this host wrote for a mode no claim needs any more (given
      // up, timed out) must not keep other hosts waiting.
      withdraw(slot);
      return;
    }
    Optional<LeaseValue> result;
    try {
      result = paxos.acquire(slot, me, target, watch::isDead);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (QuorateException e) {
      LOG.warn("resource slot {}: {}; trying again", slot, e.getMessage());
      result = Optional.empty();
    }
    List<Claim> grant = new ArrayList<>();
    long lver;
    synchronized (this) {
      Slot s = slots.get(slot);
      s.moving = null;
      if (result.isPresent()) {
        s.held = target;
        s.lver = result.get().lver();
        for (Claim c : s.claims) {
          if (covers(s.held, c.mode)) {
            grant.add(c);
          }
        }
      }
      lver = s.lver;
      if (result.isEmpty() || !s.claims.isEmpty() || s.held != SlotMode.FREE) {
        // Waiting for a live holder, or the claims changed meanwhile: look again.
        if (result.isEmpty() && !s.scheduled && failed == null) {
          s.scheduled = true;
          worker.schedule(() -> work(slot), retry.toNanos(), TimeUnit.NANOSECONDS);
        } else {
          schedule(slot, s);
        }
      } else {
        slots.remove(slot);
      }
    }
    for (Claim c : grant) {
      c.granted.complete(lver);
    }
    asking.forEach(c -> c.tried.complete(null));
  }
}
