package dev.quorate.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The correctness check both loops run under the lock: a plain counter that only an exclusive
 * holder may touch, and a count of holders that must never exceed one.
 */
final class Guard {
  private final AtomicInteger inside = new AtomicInteger();
  private final LongAdder violations;
  private long counter;

  Guard(LongAdder violations) {
    this.violations = violations;
  }

  void access() {
    if (inside.incrementAndGet() != 1) {
      violations.increment();
    }
    counter++;
    inside.decrementAndGet();
  }

  long counter() {
    return counter;
  }
}
