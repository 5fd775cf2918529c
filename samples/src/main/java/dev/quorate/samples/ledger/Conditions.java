package dev.quorate.samples.ledger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition that nothing signals (the state of another process), with a bound. */
final class Conditions {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private Conditions() {}

  /** Polls {@code condition} until it holds; returns false if it did not within the timeout. */
  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for a condition");
      }
    }
    return true;
  }
}
