package dev.quorate.lock.spi;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The blocking calls of the lock API over the asynchronous requests and conversions of a lock
 * manager, shared by every manager so that they answer interrupts and timeouts alike:
 *
 * <ul>
 *   <li>An interrupted acquire withdraws its request; a grant that raced with the interrupt is
 *       released (nobody holds it yet).
 *   <li>An interrupted conversion is withdrawn by cancelling its future; the lease keeps its old
 *       mode. If the conversion was done first (the cancel fails), the call returns as converted
 *       and the interrupt stays set: the lease is never released for an interrupt. This needs a
 *       conversion future whose {@code cancel} answers false once the lease has changed mode.
 *   <li>A timed wait relies on the request's own deadline (granted or withdrawn by the manager,
 *       never both) and waits a margin longer, so a grant racing the deadline is never lost.
 * </ul>
 */
public final class Requests {
  private static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(30);

  private Requests() {}

  /**
   * Rejects a negative timeout.
   *
   * @param timeout the timeout
   * @throws IllegalArgumentException if negative
   */
  public static void checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
  }

  /**
   * Converts to nanoseconds, giving {@link Long#MAX_VALUE} for durations too long for that (about
   * 292 years), which callers treat as no bound.
   *
   * @param duration the duration
   * @return its nanoseconds, saturated
   */
  public static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Waits for a request; the request's own timeout bounds the wait. On interrupt the request is
   * withdrawn, and a grant that raced with the interrupt is released.
   *
   * @param future the request
   * @return the lease
   * @throws InterruptedException if interrupted; the request is then withdrawn
   */
  public static Lease await(CompletableFuture<Lease> future) throws InterruptedException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      abandon(future);
      throw e;
    } catch (ExecutionException e) {
      throw interruptedOr(e);
    }
  }

  /**
   * Waits for a request whose own timeout is {@code timeout}.
   *
   * @param future the request
   * @param timeout the request's timeout
   * @return the lease, or empty if the timeout passed (the request is then withdrawn)
   * @throws InterruptedException if interrupted; the request is then withdrawn
   */
  public static Optional<Lease> awaitWithin(CompletableFuture<Lease> future, Duration timeout)
      throws InterruptedException {
    try {
      return Optional.of(getWithMargin(future, timeout));
    } catch (InterruptedException e) {
      abandon(future);
      throw e;
    } catch (TimeoutException e) {
      if (future.cancel(false)) {
        return Optional.empty();
      }
      return decided(future) ? Optional.of(future.join()) : Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LockTimeoutException) {
        return Optional.empty();
      }
      throw interruptedOr(e);
    }
  }

  /**
   * Waits for a conversion; on interrupt withdraws it unless it was done first.
   *
   * @param future the conversion, whose cancel fails once the lease has changed mode
   * @throws InterruptedException if interrupted before the conversion was done; the lease keeps its
   *     old mode
   */
  public static void awaitConversion(CompletableFuture<Lease> future) throws InterruptedException {
    try {
      future.get();
    } catch (InterruptedException e) {
      withdrawConversion(future, e);
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /**
   * Waits for a conversion whose own timeout is {@code timeout}.
   *
   * @param future the conversion, whose cancel fails once the lease has changed mode
   * @param timeout the conversion's timeout
   * @return true if converted, false if the timeout passed (the lease keeps its old mode)
   * @throws InterruptedException if interrupted before the conversion was done; the lease keeps its
   *     old mode
   */
  public static boolean awaitConversionWithin(CompletableFuture<Lease> future, Duration timeout)
      throws InterruptedException {
    try {
      getWithMargin(future, timeout);
      return true;
    } catch (InterruptedException e) {
      return withdrawConversion(future, e);
    } catch (TimeoutException e) {
      return !future.cancel(false) && decided(future);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LockTimeoutException) {
        return false;
      }
      throw unwrap(e);
    }
  }

  private static <T> T getWithMargin(CompletableFuture<T> future, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long nanos = saturatedNanos(timeout);
    nanos = nanos > Long.MAX_VALUE - MARGIN_NANOS ? Long.MAX_VALUE : nanos + MARGIN_NANOS;
    return nanos == Long.MAX_VALUE ? future.get() : future.get(nanos, TimeUnit.NANOSECONDS);
  }

  /** Withdraws an acquire its caller gave up on; a grant that came first is released. */
  private static void abandon(CompletableFuture<Lease> future) {
    if (!future.cancel(false) && !future.isCompletedExceptionally()) {
      future.join().release();
    }
  }

  /**
   * Withdraws an interrupted conversion, or reports it as done (keeping the interrupt).
   *
   * @return true if converted, false if it timed out first
   */
  private static boolean withdrawConversion(CompletableFuture<Lease> future, InterruptedException e)
      throws InterruptedException {
    if (future.cancel(false)) {
      throw e;
    }
    // Done (or failed) before the interrupt could withdraw it: report that, keep the interrupt.
    Thread.currentThread().interrupt();
    return decided(future);
  }

  /**
   * Reads the outcome of a future that can no longer be cancelled.
   *
   * @return true if it completed normally, false if with {@link LockTimeoutException}
   */
  private static boolean decided(CompletableFuture<Lease> future) {
    try {
      future.join();
      return true;
    } catch (CompletionException failed) {
      if (failed.getCause() instanceof LockTimeoutException) {
        return false;
      }
      throw failed.getCause() instanceof RuntimeException r ? r : failed;
    }
  }

  /**
   * A request that ran on the caller's thread fails when that thread is interrupted: report the
   * interrupt, as a wait would have (the failed request has been withdrawn already).
   */
  private static RuntimeException interruptedOr(ExecutionException e) throws InterruptedException {
    if (Thread.interrupted()) {
      InterruptedException interrupted = new InterruptedException("interrupted while requesting");
      interrupted.initCause(e.getCause());
      throw interrupted;
    }
    return unwrap(e);
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
}
