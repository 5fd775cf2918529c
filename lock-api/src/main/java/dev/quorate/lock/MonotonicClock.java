package dev.quorate.lock;

import java.time.Duration;
import java.time.Instant;

/**
 * Quorate's one clock: monotonic nanoseconds for every deadline, delay, quiet time and liveness
 * window, a bounded sleep, and the wall clock for timestamps people read (never for deadlines).
 * Every component that keeps time takes one (the quorum service, the fencer and its guard, the
 * quorum disk, the host inventory), so tests inject a fake and nothing waits in real time. Never
 * compared between members: each member times its peers on its own clock.
 *
 * <p>Only {@link #nanoTime()} is abstract, so a fake is a lambda; a fake that must not wait in real
 * time also overrides {@link #sleep}.
 *
 * <pre>{@code
 * AtomicLong now = new AtomicLong();
 * MonotonicClock fake = now::get;
 * QuorumService quorum = QuorumService.builder(policy, local).clock(fake).build();
 * }</pre>
 */
@FunctionalInterface
public interface MonotonicClock {
  /**
   * Returns the system clock: {@link System#nanoTime()}, {@link Instant#now()} and {@link
   * Thread#sleep(long, int)}.
   *
   * @return the system clock
   */
  static MonotonicClock system() {
    return System::nanoTime;
  }

  /**
   * Returns monotonic nanoseconds; only differences mean anything.
   *
   * @return the current monotonic time
   */
  long nanoTime();

  /**
   * Returns the wall-clock time, for timestamps people read (a fence history); never for deadlines.
   *
   * @return now
   */
  default Instant now() {
    return Instant.now();
  }

  /**
   * Waits for a duration.
   *
   * @param duration how long; zero or negative returns at once
   * @throws InterruptedException if interrupted while waiting
   */
  default void sleep(Duration duration) throws InterruptedException {
    if (!duration.isNegative() && !duration.isZero()) {
      Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
    }
  }
}
