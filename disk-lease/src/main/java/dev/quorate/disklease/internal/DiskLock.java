package dev.quorate.disklease.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A handle of the disk lock manager. A request first claims the resource's slot on the disks in a
 * mode that covers it, then asks this host's in-process manager, which orders the host's own
 * requests; the lease it gets is held until both are given up.
 */
final class DiskLock implements Lock {
  /** Timeouts beyond this mean waiting without a bound (they would overflow nanoTime). */
  private static final Duration UNBOUNDED = Duration.ofDays(365L * 100);

  private final DiskLocks manager;
  private final String resource;
  private final LockOptions options;
  private final int slot;

  DiskLock(DiskLocks manager, String resource, LockOptions options, int slot) {
    this.manager = manager;
    this.resource = resource;
    this.options = options;
    this.slot = slot;
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
    Optional<Duration> timeout = options.acquireTimeout();
    Optional<Lease> lease = tryAcquire(mode, timeout.orElse(UNBOUNDED));
    return lease.orElseThrow(
        () -> new LockTimeoutException(resource, mode, timeout.orElse(UNBOUNDED)));
  }

  @Override
  public Optional<Lease> tryAcquire(LockMode mode, Duration timeout) throws InterruptedException {
    requireNotNegative(timeout);
    Request request = start(mode, timeout);
    try {
      // The disks are asked at least once, however short the timeout: a zero timeout still grants
      // a free resource, as a networked manager makes its round trip.
      if (!await(request.covered, timeout)) {
        request.claim.tried().get();
      }
      if (!request.covered.isDone()) {
        request.result.cancel(false);
        return Optional.empty();
      }
      // The local stage is bounded by its own timeout, taken from what is left.
      return Optional.of(request.result.get());
    } catch (InterruptedException e) {
      request.result.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LockTimeoutException) {
        return Optional.empty();
      }
      throw unwrap(e.getCause(), resource, mode);
    }
  }

  @Override
  public CompletableFuture<Lease> acquireAsync(LockMode mode) {
    Optional<Duration> timeout = options.acquireTimeout();
    Request request = start(mode, timeout.orElse(UNBOUNDED));
    timeout.ifPresent(
        t ->
            manager.schedule(
                () -> {
                  if (!request.covered.isDone()) {
                    request.result.completeExceptionally(
                        new LockTimeoutException(resource, mode, t));
                  }
                },
                t));
    return request.result;
  }

  /** One request on its way: the disk stage ({@code covered}) and the whole ({@code result}). */
  private record Request(
      SlotClaims.Claim claim, CompletableFuture<Long> covered, CompletableFuture<Lease> result) {}

  private Request start(LockMode mode, Duration timeout) {
    requireSupported(java.util.Objects.requireNonNull(mode, "mode"));
    long deadline = timeout.compareTo(UNBOUNDED) >= 0 ? Long.MAX_VALUE : manager.deadline(timeout);
    SlotClaims.Claim claim = manager.claim(slot, mode, true);
    CompletableFuture<Long> covered =
        claim == null ? CompletableFuture.completedFuture(null) : claim.granted();
    CompletableFuture<Lease> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<Lease>> local = new AtomicReference<>();
    covered.whenComplete(
        (lver, failure) -> {
          if (failure != null) {
            result.completeExceptionally(unwrap(failure, resource, mode));
            return;
          }
          if (result.isDone()) {
            claim.close();
            return;
          }
          CompletableFuture<Lease> granted;
          try {
            granted = manager.localLock(resource, options, deadline).acquireAsync(mode);
          } catch (RuntimeException e) {
            closeQuietly(claim);
            result.completeExceptionally(e);
            return;
          }
          local.set(granted);
          if (result.isDone()) {
            granted.cancel(false);
          }
          granted.whenComplete(
              (lease, error) -> {
                if (error != null) {
                  closeQuietly(claim);
                  result.completeExceptionally(
                      error instanceof CancellationException ? error : unwrapCompletion(error));
                  return;
                }
                DiskLease diskLease = manager.granted(lease, slot, claim, lver, options);
                if (!result.complete(diskLease)) {
                  diskLease.release();
                }
              });
        });
    result.whenComplete(
        (lease, error) -> {
          if (error != null) {
            CompletableFuture<Lease> pending = local.get();
            if (pending != null) {
              pending.cancel(false);
            } else {
              closeQuietly(claim);
            }
          }
        });
    return new Request(claim, covered, result);
  }

  private static Throwable unwrapCompletion(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private static boolean await(CompletableFuture<?> future, Duration timeout)
      throws InterruptedException, ExecutionException {
    if (timeout.compareTo(UNBOUNDED) >= 0) {
      future.get();
      return true;
    }
    try {
      future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  private static void closeQuietly(SlotClaims.Claim claim) {
    if (claim != null) {
      claim.close();
    }
  }

  static void requireSupported(LockMode mode) {
    if (!DiskLocks.MODES.contains(mode)) {
      throw new QuorateException(
          ErrorCode.REFUSED,
          "the disk lock manager does not offer "
              + mode
              + ": shared and exclusive slots keep the compatibility of "
              + DiskLocks.MODES
              + " only");
    }
  }

  static void requireNotNegative(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
  }

  /** The exception a caller sees for a failed stage. */
  static RuntimeException unwrap(Throwable failure, String resource, LockMode mode) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException) {
      return (RuntimeException) t; // QuorateException, CancellationException among them
    }
    return new QuorateException(ErrorCode.IO_FAILURE, resource + " " + mode + ": " + t, t);
  }
}
