package dev.quorate.reliability;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition by polling it, with a bound; the harness's only way of waiting. */
final class Poll {
  private Poll() {}

  static void until(String what, Duration bound, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + bound.toSeconds() + " s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
