package dev.quorate.lock.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Blocking waits on asynchronous grants, shared by the lock managers. */
public final class Requests {
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
      if (!future.cancel(false) && !future.isCompletedExceptionally()) {
        future.join().release();
      }
      throw e;
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  /**
   * Waits for a conversion; on interrupt withdraws it unless it was granted first.
   *
   * @param future the conversion
   * @throws InterruptedException if interrupted before the conversion was granted
   */
  public static void awaitConversion(CompletableFuture<Lease> future) throws InterruptedException {
    try {
      future.get();
    } catch (InterruptedException e) {
      if (future.cancel(false)) {
        throw e;
      }
      // Granted (or failed) at the moment of the interrupt: report that, keep the interrupt.
      Thread.currentThread().interrupt();
      try {
        future.join();
      } catch (CompletionException failed) {
        throw failed.getCause() instanceof RuntimeException r ? r : failed;
      }
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  static RuntimeException unwrap(ExecutionException e) {
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
