package dev.quorate.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The correctness check both loops run under the lock: a plain counter that only an exclusive
 * holder may touch, and a count of holders that must never exceed one. It also notes which member
 * holds ({@link Turns}).
 */
final class Guard {
  private final AtomicInteger inside = new AtomicInteger();
  private final LongAdder violations;
  private final Turns turns;
  private long counter;

  Guard(LongAdder violations, int members) {
    this.violations = violations;
    this.turns = new Turns(members);
  }

  /** Called by the holder, {@code member}'s thread, while it holds the lock. */
  void access(int member) {
    if (inside.incrementAndGet() != 1) {
      violations.increment();
    }
    counter++;
    turns.took(member);
    inside.decrementAndGet();
  }

  /** The window's turns on this lock; call only while no thread cycles. */
  Turns.Shares takeShares() {
    return turns.take();
  }

  long counter() {
    return counter;
  }
}
