package dev.quorate.fence.internal;

import dev.quorate.lock.MonotonicClock;
import java.time.Duration;

/** One request's deadline on the fencer's monotonic clock. */
record Deadline(MonotonicClock clock, long endNanos) {
  static Deadline after(MonotonicClock clock, Duration budget) {
    return new Deadline(clock, clock.nanoTime() + budget.toNanos());
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - clock.nanoTime()));
  }

  boolean expired() {
    return endNanos - clock.nanoTime() <= 0;
  }

  /** The timeout of one agent call: the device's own, cut to what the deadline leaves. */
  Duration cap(Duration timeout) {
    Duration left = remaining();
    return left.compareTo(timeout) < 0 ? left : timeout;
  }
}
