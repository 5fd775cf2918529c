package dev.quorate.qdisk;

import java.time.Duration;

/**
 * The quorum disk's time: a monotonic clock for every deadline, and a bounded sleep for the poison
 * pill's wait. Tests inject a fake, so nothing waits in real time. Never compared between nodes:
 * each node times its peers on its own clock.
 *
 * <pre>{@code
 * DiskClock clock = DiskClock.system();
 * long start = clock.nanoTime();
 * }</pre>
 */
public interface DiskClock {
  /**
   * Returns the system clock: {@link System#nanoTime()} and {@link Thread#sleep(long)}.
   *
   * @return the system clock
   */
  static DiskClock system() {
    return new DiskClock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
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
   * Waits.
   *
   * @param duration how long; zero or negative returns at once
   * @throws InterruptedException if interrupted
   */
  void sleep(Duration duration) throws InterruptedException;
}
