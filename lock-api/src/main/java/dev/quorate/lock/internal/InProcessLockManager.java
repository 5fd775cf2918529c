package dev.quorate.lock.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lock manager behind {@link LockManager#inProcess()}: the VMS DLM semantics for the threads of
 * one JVM. Each resource has a {@link ResourceQueue}; tokens come from one counter, taken at the
 * moment of each grant, so they rise in grant order across all resources.
 */
public final class InProcessLockManager implements LockManager {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ConcurrentHashMap<String, ResourceQueue> queues = new ConcurrentHashMap<>();
  private final AtomicLong grants = new AtomicLong();
  private final Executor callbacks;
  private volatile boolean closed;

  /** Creates an open manager. */
  public InProcessLockManager() {
    // Daemon threads that end when idle: nothing to shut down, and late events still run.
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            5,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> {
              Thread thread = new Thread(task, "quorate-lock-events-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.callbacks = pool;
  }

  Executor callbackExecutor() {
    return callbacks;
  }

  @Override
  public Lock lock(String resource) {
    return lock(resource, LockOptions.defaults());
  }

  @Override
  public Lock lock(String resource, LockOptions options) {
    ResourceNames.check(resource);
    Objects.requireNonNull(options, "options");
    checkOpen();
    return new LocalLock(resource, options);
  }

  @Override
  public Mechanism mechanism() {
    return new Mechanism(Mechanism.Kind.SLM, 0, "in-process lock manager (one JVM)");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ResourceQueue queue : queues.values()) {
      List<Runnable> effects = new ArrayList<>();
      queue.lock.lock();
      try {
        queue.closeAll(effects);
      } finally {
        queue.lock.unlock();
      }
      effects.forEach(Runnable::run);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new QuorateException(ErrorCode.CLOSED, "lock manager is closed");
    }
  }

  private FencingToken nextToken() {
    return FencingToken.of(grants.incrementAndGet());
  }

  /** Finds the queue of {@code resource} and returns it locked. */
  private ResourceQueue lockQueue(String resource) {
    while (true) {
      ResourceQueue queue =
          queues.computeIfAbsent(resource, name -> new ResourceQueue(name, this::nextToken));
      queue.lock.lock();
      if (!queue.retired) {
        return queue;
      }
      queue.lock.unlock();
    }
  }

  /** Unlocks {@code queue}, dropping it when nothing refers to it, then runs the effects. */
  private void unlock(ResourceQueue queue, List<Runnable> effects) {
    try {
      if (queue.isIdle()) {
        queue.retired = true;
        queues.remove(queue.name, queue);
      }
    } finally {
      queue.lock.unlock();
    }
    effects.forEach(Runnable::run);
  }

  private CompletableFuture<Lease> request(
      String resource, LockMode mode, LockOptions options, Duration timeout) {
    Objects.requireNonNull(mode, "mode");
    List<Runnable> effects = new ArrayList<>();
    ResourceQueue queue = lockQueue(resource);
    LocalLease request;
    try {
      // Checked under the queue lock: close() takes every queue lock after setting the flag, so a
      // request either sees the flag or is failed by close().
      checkOpen();
      request = new LocalLease(this, queue, mode, options.blockingCallback().orElse(null));
      queue.enqueue(request, effects);
      if (timeout != null && timeout.isZero() && request.phase == LocalLease.Phase.WAITING) {
        queue.withdraw(request, effects);
        LockTimeoutException timedOut = new LockTimeoutException(resource, mode, timeout);
        effects.add(() -> request.granted.completeExceptionally(timedOut));
      }
    } finally {
      unlock(queue, effects);
    }
    CompletableFuture<Lease> future = request.granted;
    if (!future.isDone() && timeout != null) {
      CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .execute(
              () ->
                  future.completeExceptionally(new LockTimeoutException(resource, mode, timeout)));
    }
    future.whenComplete(
        (lease, failure) -> {
          if (failure != null) {
            withdraw(request);
          }
        });
    return future;
  }

  private void withdraw(LocalLease request) {
    List<Runnable> effects = new ArrayList<>();
    ResourceQueue queue = lockQueue(request.resource());
    try {
      queue.withdraw(request, effects);
    } finally {
      unlock(queue, effects);
    }
  }

  CompletableFuture<Lease> convert(LocalLease lease, LockMode target) {
    CompletableFuture<Lease> future = new CompletableFuture<>();
    List<Runnable> effects = new ArrayList<>();
    ResourceQueue queue = lockQueue(lease.resource());
    try {
      queue.convert(lease, target, future, effects);
    } catch (QuorateException e) {
      future.completeExceptionally(e);
    } finally {
      unlock(queue, effects);
    }
    future.whenComplete(
        (converted, failure) -> {
          if (failure != null) {
            List<Runnable> later = new ArrayList<>();
            ResourceQueue again = lockQueue(lease.resource());
            try {
              again.cancelConversion(lease, future, later);
            } finally {
              unlock(again, later);
            }
          }
        });
    return future;
  }

  void release(LocalLease lease) {
    List<Runnable> effects = new ArrayList<>();
    ResourceQueue queue = lockQueue(lease.resource());
    try {
      queue.release(lease, effects);
    } finally {
      unlock(queue, effects);
    }
  }

  static void checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
  }

  /** Waits for {@code future}; on interrupt withdraws the request (or releases a late grant). */
  static Lease await(CompletableFuture<Lease> future) throws InterruptedException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      abandon(future);
      throw e;
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /** Waits at most {@code timeout}; empty if it passed (the request is then withdrawn). */
  static Optional<Lease> awaitWithin(CompletableFuture<Lease> future, Duration timeout)
      throws InterruptedException {
    try {
      return Optional.of(future.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      abandon(future);
      throw e;
    } catch (TimeoutException e) {
      if (future.cancel(false)) {
        return Optional.empty();
      }
      // Completed at the last moment: take what it completed with.
      return Optional.of(future.join());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LockTimeoutException) {
        return Optional.empty();
      }
      throw unwrap(e);
    }
  }

  private static void abandon(CompletableFuture<Lease> future) {
    if (!future.cancel(false) && !future.isCompletedExceptionally()) {
      future.join().release();
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new QuorateException(ErrorCode.INTERNAL, "lock request failed: " + cause, cause);
  }

  /** A handle: resource name plus options. */
  private final class LocalLock implements Lock {
    private final String resource;
    private final LockOptions options;

    LocalLock(String resource, LockOptions options) {
      this.resource = resource;
      this.options = options;
    }

    @Override
    public String resource() {
      return resource;
    }

    @Override
    public LockOptions options() {
      return options;
    }

    @Override
    public Lease acquire(LockMode mode) throws InterruptedException {
      return await(acquireAsync(mode));
    }

    @Override
    public Optional<Lease> tryAcquire(LockMode mode, Duration timeout) throws InterruptedException {
      checkTimeout(timeout);
      return awaitWithin(request(resource, mode, options, timeout), timeout);
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(LockMode mode) {
      return request(resource, mode, options, options.acquireTimeout().orElse(null));
    }

    @Override
    public String toString() {
      return "Lock[" + resource + ", " + options + "]";
    }
  }

  @Override
  public String toString() {
    return "InProcessLockManager["
        + queues.size()
        + " resources"
        + (closed ? ", closed" : "")
        + "]";
  }
}
