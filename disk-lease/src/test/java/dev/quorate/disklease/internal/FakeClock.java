package dev.quorate.disklease.internal;

import dev.quorate.lock.MonotonicClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to or slept on, so waits take no real time. */
final class FakeClock implements MonotonicClock {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Runnable onSleep;

  FakeClock() {
    this(() -> {});
  }

  /** A clock that runs {@code onSleep} after each sleep: what other hosts do meanwhile. */
  FakeClock(Runnable onSleep) {
    this.onSleep = onSleep;
  }

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public void sleep(Duration duration) {
    advance(duration);
    onSleep.run();
  }

  void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  long elapsedSince(long start) {
    return now.get() - start;
  }
}
