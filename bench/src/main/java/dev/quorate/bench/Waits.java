package dev.quorate.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a state the bench can only poll (a server's node count, every member's view). This is
 * set-up and measurement, never a test's synchronisation; the poll period bounds the error of a
 * time measured with it.
 */
final class Waits {
  static final long POLL_MILLIS = 2;

  private Waits() {}

  /** Polls {@code done} until true; fails naming {@code what} after {@code bound}. */
  static void until(BooleanSupplier done, Duration bound, String what) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + bound + " for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    }
  }
}
