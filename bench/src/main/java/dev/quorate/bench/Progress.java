package dev.quorate.bench;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress lines on stderr while the bench runs, so that stdout carries only the results: the
 * elapsed time, then what runs now (workload, window or size, library).
 */
final class Progress {
  private final PrintStream out;
  private final long started = System.nanoTime();

  Progress(PrintStream out) {
    this.out = out;
  }

  static Progress stderr() {
    return new Progress(System.err);
  }

  void step(String workload, String stage, String library) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    out.printf(
        "[%3d:%02d] %s, %s, %s%n",
        elapsed.toMinutes(), elapsed.toSecondsPart(), workload, stage, library);
    out.flush();
  }
}
