package dev.quorate.zk.internal;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The local requests waiting in a {@link Cohort}, in the order they came. Used under the cohort's
 * lock; the cohort completes the futures outside it ({@link #fail}), since a requester's
 * continuation may call back into the cohort.
 */
final class CohortWaiters {
  /**
   * A local request that waits.
   *
   * @param future completed with its local grant
   * @param listeners the listeners from its lock's options, given to the grant
   */
  record Waiter(CompletableFuture<Lease> future, List<LeaseListener> listeners) {}

  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  void add(CompletableFuture<Lease> future, List<LeaseListener> listeners) {
    queue.add(new Waiter(future, listeners));
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Drops the request of {@code future}, whose requester gave up (timeout, interrupt). */
  void withdraw(CompletableFuture<Lease> future) {
    queue.removeIf(waiter -> waiter.future() == future);
  }

  /** Removes and returns the first waiter whose requester still waits, or null if none does. */
  Waiter next() {
    Waiter next;
    while ((next = queue.poll()) != null) {
      if (!next.future().isDone()) {
        return next;
      }
    }
    return null;
  }

  /** Removes every waiter, to be failed outside the lock. */
  List<Waiter> takeAll() {
    List<Waiter> all = new ArrayList<>(queue);
    queue.clear();
    return all;
  }

  /** Fails {@code waiters} with {@code cause}; called outside the cohort's lock. */
  static void fail(List<Waiter> waiters, Throwable cause) {
    waiters.forEach(waiter -> waiter.future().completeExceptionally(cause));
  }
}
