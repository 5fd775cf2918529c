package dev.quorate.lock.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.Grants;
import dev.quorate.lock.spi.PermitQueue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process permit queue of a semaphore: holders and a FIFO queue of waiters under one lock,
 * tokens from a counter taken at each grant, so they rise in grant order. Also the seat of an
 * in-process election (one permit, holders labelled with the candidate).
 */
final class LocalSemaphore implements PermitQueue {
  private final String name;
  private final int permits;
  private final Executor events;
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<LocalPermit> holders = new LinkedHashSet<>();
  private final Queue<Waiter> waiters = new ArrayDeque<>();
  private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
  private long grants;
  private boolean closed;

  private record Waiter(CompletableFuture<Permit> request, String label) {}

  LocalSemaphore(String name, int permits, Executor events) {
    this.name = name;
    this.permits = permits;
    this.events = events;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int permits() {
    return permits;
  }

  @Override
  public CompletableFuture<Permit> claim(String holder, boolean onlyIfFree) {
    if (onlyIfFree) {
      return CompletableFuture.completedFuture(claimIfFree(holder));
    }
    CompletableFuture<Permit> request = new CompletableFuture<>();
    lock.lock();
    try {
      checkOpen();
      waiters.add(new Waiter(request, holder));
    } finally {
      lock.unlock();
    }
    // A cancelled request leaves the queue, and may unblock the ones behind it.
    request.whenComplete((permit, failure) -> settle());
    settle();
    return request;
  }

  /** Takes a permit at once if one is free and nobody waits; null otherwise. */
  private LocalPermit claimIfFree(String holder) {
    List<Runnable> effects = new ArrayList<>();
    LocalPermit permit = null;
    lock.lock();
    try {
      checkOpen();
      if (waiters.isEmpty() && holders.size() < permits) {
        permit = grant(holder, effects);
      }
    } finally {
      lock.unlock();
    }
    Effects.run(effects);
    return permit;
  }

  private void checkOpen() {
    if (closed) {
      throw new QuorateException(ErrorCode.CLOSED, "lock manager is closed");
    }
  }

  /** Grants to the head of the queue while permits are free; drops withdrawn waiters. */
  private void settle() {
    List<Runnable> effects = new ArrayList<>();
    lock.lock();
    try {
      waiters.removeIf(waiter -> waiter.request.isDone());
      while (!closed && holders.size() < permits && !waiters.isEmpty()) {
        Waiter next = waiters.poll();
        LocalPermit permit = grant(next.label, effects);
        effects.add(() -> Grants.complete(next.request, permit, Permit::release));
      }
    } finally {
      lock.unlock();
    }
    Effects.run(effects);
  }

  private LocalPermit grant(String label, List<Runnable> effects) {
    LocalPermit permit =
        new LocalPermit(
            this,
            label,
            FencingToken.of(++grants),
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            events);
    holders.add(permit);
    effects.add(this::changed);
    return permit;
  }

  /** Called by a permit that left GRANTED for good. */
  void returned(LocalPermit permit) {
    lock.lock();
    try {
      holders.remove(permit);
    } finally {
      lock.unlock();
    }
    changed();
    settle();
  }

  /** The holders in grant order. */
  List<LocalPermit> holders() {
    lock.lock();
    try {
      return List.copyOf(holders);
    } finally {
      lock.unlock();
    }
  }

  void watch(Runnable watcher) {
    watchers.add(watcher);
  }

  void unwatch(Runnable watcher) {
    watchers.remove(watcher);
  }

  private void changed() {
    watchers.forEach(Runnable::run);
  }

  /** Fails every waiter with CLOSED and makes every permit LOST. */
  void close() {
    List<Waiter> failed;
    List<LocalPermit> lost;
    lock.lock();
    try {
      closed = true;
      failed = List.copyOf(waiters);
      waiters.clear();
      lost = List.copyOf(holders);
    } finally {
      lock.unlock();
    }
    QuorateException closing = new QuorateException(ErrorCode.CLOSED, "lock manager closed");
    failed.forEach(waiter -> waiter.request.completeExceptionally(closing));
    lost.forEach(permit -> permit.end(LeaseState.LOST, "lock manager closed"));
  }
}
