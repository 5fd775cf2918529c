package dev.quorate.lock.internal;

import dev.quorate.lock.Election;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Revocation;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.lock.spi.LockHandle;
import dev.quorate.lock.spi.ResourceNames;
import dev.quorate.lock.spi.Revocations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The lock manager behind {@link LockManager#inProcess()}: the VMS DLM semantics for the threads of
 * one JVM. Each resource has a {@link ResourceQueue}; tokens come from one counter, taken at the
 * moment of each grant, so they rise in grant order across all resources.
 */
public final class InProcessLockManager implements LockManager {
  private final ConcurrentHashMap<String, ResourceQueue> queues = new ConcurrentHashMap<>();
  private final AtomicLong grants = new AtomicLong();
  private final RevocationHistory revocations = new RevocationHistory();

  /** Timeouts beyond this are treated as none: about 292 years, where nanoseconds overflow. */
  private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

  private final Executor callbacks;
  private final ScheduledThreadPoolExecutor timers;
  private final LocalRecipes recipes;
  private volatile boolean closed;

  /** Creates an open manager. */
  public InProcessLockManager() {
    this.callbacks = DaemonThreads.idleEnding("quorate-lock-events");
    this.timers = DaemonThreads.timers("quorate-lock-timeouts");
    this.recipes = new LocalRecipes(callbacks);
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
    return new LockHandle(
        resource,
        options,
        (mode, timeout, callerWaits) -> request(resource, mode, options, timeout));
  }

  @Override
  public LockInspection inspect(String resource) {
    ResourceNames.check(resource);
    checkOpen();
    LockInspection[] seen = new LockInspection[1];
    locked(resource, (queue, effects) -> seen[0] = queue.inspect(revocations.of(resource)));
    return seen[0];
  }

  @Override
  public Revocation revoke(String resource, FencingToken token, String requestedBy, String reason) {
    Revocations.check(resource, token, requestedBy, reason);
    checkOpen();
    String cause = "revoked by " + requestedBy + ": " + reason;
    Revocation[] done = new Revocation[1];
    locked(
        resource,
        (queue, effects) -> {
          LocalLease lease =
              queue.revoke(token, cause, effects).orElseThrow(() -> queue.nothingToRevoke(token));
          // Recorded under the queue lock: an inspect after revoke returns always shows it.
          done[0] =
              new Revocation(resource, token, lease.member, requestedBy, reason, Instant.now());
          revocations.record(done[0]);
        });
    return done[0];
  }

  @Override
  public Election election(String name) {
    checkOpen();
    return recipes.election(name);
  }

  @Override
  public Semaphore semaphore(String name, int permits) {
    checkOpen();
    return recipes.semaphore(name, permits);
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
      Effects.run(effects);
    }
    recipes.close();
    timers.shutdownNow();
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
    Effects.run(effects);
  }

  private CompletableFuture<Lease> request(
      String resource, LockMode mode, LockOptions options, Duration timeout) {
    Objects.requireNonNull(mode, "mode");
    Duration bound = timeout == null || timeout.compareTo(FOREVER) >= 0 ? null : timeout;
    List<Runnable> effects = new ArrayList<>();
    ResourceQueue queue = lockQueue(resource);
    LocalLease request;
    try {
      // Checked under the queue lock: close() takes every queue lock after setting the flag, so a
      // request either sees the flag or is failed by close().
      checkOpen();
      request = new LocalLease(this, queue, mode, options);
      queue.enqueue(request, effects);
      if (bound != null && bound.isZero()) {
        expire(queue, request, bound, effects);
      }
    } finally {
      unlock(queue, effects);
    }
    CompletableFuture<Lease> future = request.granted;
    if (bound != null && !future.isDone()) {
      after(future, bound, () -> locked(resource, (q, fx) -> expire(q, request, bound, fx)));
    }
    // Cancelled by the caller, or failed by close(): withdraw, or release a grant nobody took.
    future.whenComplete(
        (lease, failure) -> {
          if (failure != null) {
            locked(resource, (q, fx) -> q.withdraw(request, fx));
          }
        });
    return future;
  }

  /** Times out {@code request} if it still waits; a grant that came first wins. */
  private static void expire(
      ResourceQueue queue, LocalLease request, Duration timeout, List<Runnable> effects) {
    if (request.phase == LocalLease.Phase.WAITING) {
      queue.withdraw(request, effects);
      LockTimeoutException timedOut = new LockTimeoutException(queue.name, request.mode, timeout);
      effects.add(() -> request.granted.completeExceptionally(timedOut));
    }
  }

  /**
   * Converts {@code lease}; with a timeout, the conversion is withdrawn under the queue lock when
   * it passes, so a conversion is either granted or withdrawn, never both.
   */
  CompletableFuture<Lease> convert(LocalLease lease, LockMode target, Duration timeout) {
    Duration bound = timeout == null || timeout.compareTo(FOREVER) >= 0 ? null : timeout;
    ConversionFuture future = new ConversionFuture(lease);
    String resource = lease.resource();
    List<Runnable> effects = new ArrayList<>();
    ResourceQueue queue = lockQueue(resource);
    try {
      queue.convert(lease, target, future, effects);
      if (bound != null && bound.isZero()) {
        expireConversion(queue, lease, future, bound, effects);
      }
    } catch (QuorateException e) {
      future.completeExceptionally(e);
    } finally {
      unlock(queue, effects);
    }
    if (bound != null && !future.isDone()) {
      after(
          future,
          bound,
          () -> locked(resource, (q, fx) -> expireConversion(q, lease, future, bound, fx)));
    }
    return future;
  }

  private static void expireConversion(
      ResourceQueue queue,
      LocalLease lease,
      CompletableFuture<Lease> future,
      Duration timeout,
      List<Runnable> effects) {
    LockMode target = lease.converting;
    if (queue.cancelConversion(lease, future, effects)) {
      LockTimeoutException timedOut = new LockTimeoutException(queue.name, target, timeout);
      effects.add(() -> future.completeExceptionally(timedOut));
    }
  }

  /** Withdraws a pending conversion; false if it was already granted or failed. */
  boolean withdrawConversion(LocalLease lease, CompletableFuture<Lease> future) {
    boolean[] withdrawn = new boolean[1];
    locked(
        lease.resource(),
        (queue, effects) -> withdrawn[0] = queue.cancelConversion(lease, future, effects));
    return withdrawn[0];
  }

  void stage(LocalLease lease, dev.quorate.lock.ValueBlock value) {
    locked(lease.resource(), (queue, effects) -> queue.stage(lease, value));
  }

  void release(LocalLease lease) {
    locked(lease.resource(), (queue, effects) -> queue.release(lease, effects));
  }

  /** Runs {@code action} with the queue of {@code resource} locked, then its effects. */
  private void locked(String resource, BiConsumer<ResourceQueue, List<Runnable>> action) {
    List<Runnable> effects = new ArrayList<>();
    ResourceQueue queue = lockQueue(resource);
    try {
      action.accept(queue, effects);
    } finally {
      unlock(queue, effects);
    }
  }

  /** Runs {@code task} after {@code delay} unless {@code future} completes first. */
  private void after(CompletableFuture<Lease> future, Duration delay, Runnable task) {
    ScheduledFuture<?> timer;
    try {
      timer = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closedMeanwhile) {
      return; // close() fails every request itself
    }
    future.whenComplete((lease, failure) -> timer.cancel(false));
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
