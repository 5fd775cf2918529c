package dev.quorate.qdisk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.qdisk.Heuristic;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program without a shell; passes on exit 0 within the timeout. */
public record CommandHeuristic(String name, List<String> argv, int score, Duration timeout)
    implements Heuristic {
  /** Validates. */
  public CommandHeuristic {
    argv = List.copyOf(argv);
    if (argv.isEmpty() || score < 1 || timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException(
          "heuristic '"
              + name
              + "': needs a command, a score of at least 1 (got "
              + score
              + ") and a positive timeout (got "
              + timeout
              + ")");
    }
  }

  @Override
  public boolean passes() throws InterruptedException {
    Process p;
    try {
      p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return false;
    }
    if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
