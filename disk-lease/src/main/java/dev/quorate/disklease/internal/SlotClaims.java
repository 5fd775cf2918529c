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
 * claim closes; each slot's state is a {@link ClaimedSlot}. All disk work runs on one worker
 * thread, which also owns the {@link HostWatch}.
 */
final class SlotClaims {
  private static final Logger LOG = LoggerFactory.getLogger(SlotClaims.class);

  private final PaxosLease paxos;
  private final HostWatch watch;
  private final Holder me;
  private final ScheduledExecutorService worker;
  private final Duration retry;
  private final Map<Integer, ClaimedSlot> slots = new HashMap<>(); // guarded by this
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

    SlotMode mode() {
      return mode;
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
        ClaimedSlot s = slots.get(slot);
        if (s == null || !s.remove(this)) {
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
      ClaimedSlot s = slots.computeIfAbsent(slot, k -> new ClaimedSlot());
      switch (s.admit(c, queued)) {
        case GRANTED -> {
          c.tried.complete(null);
          c.granted.complete(s.lver());
        }
        case DEFERRED -> {
          c.tried.complete(null);
          c.behind = true;
        }
        case ASK_DISKS -> schedule(slot, s);
      }
    }
    return c;
  }

  /**
   * The conflicting requests of other live hosts that wait for a held slot, as just read: new
   * claims wait behind them, and once none is left the deferred claims go ahead.
   */
  void waiting(int slot, List<SlotRequest> ahead) {
    ClaimedSlot.Released released;
    long lver;
    synchronized (this) {
      ClaimedSlot s = slots.get(slot);
      if (s == null) {
        return;
      }
      released = s.waiting(ahead);
      if (released.askDisks()) {
        schedule(slot, s);
      }
      lver = s.lver();
    }
    released.granted().forEach(c -> c.granted.complete(lver));
  }

  /** The slots held on the disks, with their modes. */
  synchronized Map<Integer, SlotMode> held() {
    Map<Integer, SlotMode> held = new HashMap<>();
    slots.forEach(
        (slot, s) -> {
          if (s.held() != SlotMode.FREE) {
            held.put(slot, s.held());
          }
        });
    return held;
  }

  /** Whether any slot is held on the disks. */
  synchronized boolean holdsAny() {
    return slots.values().stream().anyMatch(s -> s.held() != SlotMode.FREE);
  }

  /** Fails every claim, now and later, with {@code why}; the disks are no longer ours. */
  void fail(QuorateException why) {
    List<Claim> all = new ArrayList<>();
    synchronized (this) {
      if (failed == null) {
        failed = why;
      }
      slots.values().forEach(s -> all.addAll(s.giveUp()));
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

  private void schedule(int slot, ClaimedSlot s) {
    if (failed == null && s.schedule()) {
      worker.execute(() -> work(slot));
    }
  }

  /** Moves one slot towards what its claims need; runs on the worker. */
  private void work(int slot) {
    SlotMode target;
    List<Claim> asking;
    synchronized (this) {
      ClaimedSlot s = slots.get(slot);
      if (s == null || failed != null) {
        return;
      }
      Optional<SlotMode> move = s.startMove();
      if (move.isEmpty()) {
        if (s.unused()) {
          slots.remove(slot);
        }
        asking = null;
        target = null;
      } else {
        asking = s.claims();
        target = move.get();
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
    List<Claim> grant;
    long lver;
    synchronized (this) {
      ClaimedSlot s = slots.get(slot);
      grant = s.moved(target, result);
      lver = s.lver();
      if (result.isEmpty() && failed == null && s.schedule()) {
        // Waiting for a live holder: look again after a renewal interval.
        worker.schedule(() -> work(slot), retry.toNanos(), TimeUnit.NANOSECONDS);
      } else if (result.isEmpty() || !s.unused()) {
        schedule(slot, s); // the claims changed meanwhile: look again
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
