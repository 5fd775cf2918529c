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
import java.util.Set;
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
    // New claims that the held slot covers but that must wait: an earlier request of another host
    // conflicts with them. They count for nothing until the slot is given up or the request goes.
    final List<Claim> deferred = new ArrayList<>();
    List<SlotRequest> ahead = List.of(); // other hosts' conflicting requests, as last read
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
    private boolean behind; // set once, under SlotClaims' monitor, before the claim is returned

    private Claim(int slot, SlotMode mode) {
      this.slot = slot;
      this.mode = mode;
    }

    /** Completes with the lease version the slot is held at once this claim is covered. */
    CompletableFuture<Long> granted() {
      return granted;
    }

    /** Whether the claim waits behind another host's earlier request for the slot it holds. */
    boolean deferred() {
      synchronized (SlotClaims.this) {
        return behind;
      }
    }

    /** Completes once the disks were asked at least once for this claim (or it was covered). */
    CompletableFuture<Void> tried() {
      return tried;
    }

    @Override
    public void close() {
      synchronized (SlotClaims.this) {
        Slot s = slots.get(slot);
        if (s == null || !(s.claims.remove(this) || s.deferred.remove(this))) {
          return;
        }
        schedule(slot, s);
      }
      granted.cancel(false);
      tried.complete(null);
    }
  }

  /**
   * Claims {@code slot} in {@code mode}, shared or exclusive. A new request ({@code queued}) that
   * the held slot covers still waits behind another host's earlier conflicting request; a
   * conversion of a granted lease does not.
   *
   * @throws QuorateException if this host can no longer hold leases
   */
  Claim claim(int slot, SlotMode mode, boolean queued) {
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
        if (queued && s.ahead.stream().anyMatch(r -> r.conflictsWith(mode))) {
          s.claims.remove(c);
          s.deferred.add(c);
          c.behind = true;
        } else {
          c.granted.complete(s.lver);
        }
      } else {
        schedule(slot, s);
      }
    }
    return c;
  }

  /**
   * The conflicting requests of other live hosts that wait for a held slot, as just read: new
   * claims wait behind them, and once none is left the deferred claims go ahead.
   */
  void waiting(int slot, List<SlotRequest> ahead) {
    List<Claim> grant = new ArrayList<>();
    long lver;
    synchronized (this) {
      Slot s = slots.get(slot);
      if (s == null) {
        return;
      }
      s.ahead = List.copyOf(ahead);
      for (Claim c : List.copyOf(s.deferred)) {
        if (ahead.stream().noneMatch(r -> r.conflictsWith(c.mode))) {
          s.deferred.remove(c);
          s.claims.add(c);
          if (covers(s.held, c.mode) && (s.moving == null || covers(s.moving, c.mode))) {
            grant.add(c); // as it would have been when made
          } else {
            schedule(slot, s); // the slot was changed meanwhile: the disks decide
          }
        }
      }
      lver = s.lver;
    }
    grant.forEach(c -> c.granted.complete(lver));
  }

  /** The slots held on the disks, with their modes. */
  synchronized Map<Integer, SlotMode> held() {
    Map<Integer, SlotMode> held = new HashMap<>();
    slots.forEach(
        (slot, s) -> {
          if (s.held != SlotMode.FREE) {
            held.put(slot, s.held);
          }
        });
    return held;
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
      slots.values().forEach(s -> all.addAll(s.deferred));
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
      } catch (QuorateException e) {
        LOG.warn("releasing resource slot {} failed: {}", slot, e.getMessage());
      }
      paxos.withdraw(slot); // the request of a claim that still waited, or of a failed release
    }
    paxos.retryWithdrawals();
    abandonWithdrawals("the disk lock manager is closing");
  }

  /**
   * Writes again the withdrawals of this host's requests that too few disks took, until a majority
   * takes each: a stale request would keep other hosts waiting and call their blocking callbacks.
   * Runs on the worker once per renewal interval. Once this host can hold no lease (its delta lease
   * ended), other hosts pass its requests over: the owed withdrawals are given up and logged.
   */
  void retryWithdrawals() throws InterruptedException {
    QuorateException ended;
    synchronized (this) {
      ended = failed;
    }
    if (ended != null) {
      abandonWithdrawals(ended.getMessage());
      return;
    }
    Set<Integer> owed = paxos.retryWithdrawals();
    if (!owed.isEmpty()) {
      LOG.warn("withdrawals of this host's requests for resource slots {} still owed", owed);
    }
  }

  private void abandonWithdrawals(String why) {
    for (SlotRequest r : paxos.abandonWithdrawals()) {
      LOG.warn("withdrawal {} given up ({}): other hosts pass this host's requests over", r, why);
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
      if (s.held == SlotMode.FREE && s.moving == null) {
        // Given up: the deferred claims now ask the disks, behind the earlier requests.
        s.claims.addAll(s.deferred);
        s.deferred.clear();
        s.ahead = List.of();
      }
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
      // up, timed out) must not keep other hosts waiting; one that too few disks took is owed,
      // for retryWithdrawals.
      try {
        paxos.withdraw(slot);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
      if (result.isEmpty()
          || !s.claims.isEmpty()
          || !s.deferred.isEmpty()
          || s.held != SlotMode.FREE) {
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
