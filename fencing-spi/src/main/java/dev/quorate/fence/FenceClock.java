package dev.quorate.fence;

import java.time.Duration;
import java.time.Instant;

/**
 * The fencer's time: a monotonic clock for deadlines, delays and quiet times, the wall clock for
 * history timestamps only, and a bounded sleep. Tests inject a fake that advances on {@link
 * #sleep}, so delays and retries run without waiting.
 *
 * <pre>{@code
 * Fencer fencer = Fencer.builder(topology, agents, guard).clock(FenceClock.system()).build();
 * }</pre>
 */
public interface FenceClock {
  /**
   * Returns the system clock: {@link System#nanoTime()}, {@link Instant#now()} and {@link
   * Thread#sleep(long)}.
   *
   * @return the system clock
   */
  static FenceClock system() {
    return new FenceClock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Instant now() {
        return Instant.now();
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        if (!duration.isNegative() && !duration.isZero()) {
          Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        }
      }
    };
  }

  /**
   * Returns monotonic nanoseconds; only differences mean anything.
   *
   * @return the current monotonic time
   */
  long nanoTime();

  /**
   * Returns the wall-clock time, used only for history timestamps.
   *
   * @return now
   */
  Instant now();

  /**
   * Waits for a duration.
   *
   * @param duration how long; zero or negative returns at once
   * @throws InterruptedException if interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;
}
