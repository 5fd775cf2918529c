package dev.quorate.qdisk.internal;

import dev.quorate.lock.MonotonicClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A monotonic clock moved by the test; each view adds its own offset, as separate hosts would. */
final class FakeClock {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** A node's clock: the shared time plus an arbitrary offset the engine must never rely on. */
  MonotonicClock view(long offsetNanos) {
    return new MonotonicClock() {
      @Override
      public long nanoTime() {
        return nanos.get() + offsetNanos;
      }

      @Override
      public void sleep(Duration d) {
        advance(d);
      }
    };
  }
}
