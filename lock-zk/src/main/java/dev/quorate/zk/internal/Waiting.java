package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Turns the asynchronous requests into the blocking calls of the API. */
final class Waiting {
  private static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(30);

  private Waiting() {}

  static void checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
  }

  /** Converts to nanoseconds, giving {@link Long#MAX_VALUE} for durations too long for that. */
  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
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
      throw interruptedOr(e);
    }
  }

  /** Waits at most {@code timeout}; empty if it passed (the request is then withdrawn). */
  static Optional<Lease> awaitWithin(CompletableFuture<Lease> future, Duration timeout)
      throws InterruptedException {
    try {
      // The request itself times out after `timeout`; the margin lets that happen first so that a
      // grant racing with the deadline is never lost.
      long nanos = saturatedNanos(timeout);
      nanos = nanos > Long.MAX_VALUE - MARGIN_NANOS ? Long.MAX_VALUE : nanos + MARGIN_NANOS;
      return Optional.of(
          nanos == Long.MAX_VALUE ? future.get() : future.get(nanos, TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      abandon(future);
      throw e;
    } catch (TimeoutException e) {
      if (future.cancel(false)) {
        return Optional.empty();
      }
      return Optional.of(future.join());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LockTimeoutException) {
        return Optional.empty();
      }
      throw interruptedOr(e);
    }
  }

  private static void abandon(CompletableFuture<Lease> future) {
    if (!future.cancel(false) && !future.isCompletedExceptionally()) {
      future.join().release();
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
