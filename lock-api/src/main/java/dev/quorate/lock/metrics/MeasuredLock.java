package dev.quorate.lock.metrics;

import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A lock whose requests are timed; the inner lock does the work. */
final class MeasuredLock implements Lock {
  private final Lock inner;
  private final LockMeters meters;

  MeasuredLock(Lock inner, LockMeters meters) {
    this.inner = inner;
    this.meters = meters;
  }

  @Override
  public String resource() {
    return inner.resource();
  }

  @Override
  public LockOptions options() {
    return inner.options();
  }

  @Override
  public Lease acquire(LockMode mode) throws InterruptedException {
    long start = meters.now();
    try {
      Lease lease = inner.acquire(mode);
      meters.granted(mode, start, lease);
      return lease;
    } catch (InterruptedException | RuntimeException e) {
      refused(mode, start, e);
      throw e;
    }
  }

  @Override
  public Optional<Lease> tryAcquire(LockMode mode, Duration timeout) throws InterruptedException {
    long start = meters.now();
    try {
      Optional<Lease> lease = inner.tryAcquire(mode, timeout);
      if (lease.isPresent()) {
        meters.granted(mode, start, lease.get());
      } else {
        meters.refused(mode, start, "timeout");
      }
      return lease;
    } catch (InterruptedException | RuntimeException e) {
      refused(mode, start, e);
      throw e;
    }
  }

  @Override
  public CompletableFuture<Lease> acquireAsync(LockMode mode) {
    long start = meters.now();
    CompletableFuture<Lease> lease = inner.acquireAsync(mode);
    lease.whenComplete(
        (granted, failure) -> {
          if (granted != null) {
            meters.granted(mode, start, granted);
          } else {
            refused(mode, start, failure);
          }
        });
    return lease;
  }

  private void refused(LockMode mode, long start, Throwable failure) {
    // Bad arguments are the caller's error, not an answer of the lock service.
    if (!(failure instanceof IllegalArgumentException || failure instanceof NullPointerException)) {
      meters.refused(mode, start, LockMeters.outcome(failure));
    }
  }

  @Override
  public String toString() {
    return "Measured" + inner;
  }
}
