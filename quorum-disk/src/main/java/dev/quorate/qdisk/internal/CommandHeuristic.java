package dev.quorate.qdisk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.qdisk.Heuristic;
import dev.quorate.quorum.CommandCheck;
import java.time.Duration;
import java.util.List;

/**
 * Runs a program without a shell ({@link CommandCheck}); passes on exit 0 within the timeout, and
 * kills the program's whole process tree on timeout or interrupt.
 */
public record CommandHeuristic(String name, List<String> argv, int score, Duration timeout)
    implements Heuristic {
  /** Validates. */
  public CommandHeuristic {
    argv = List.copyOf(argv);
    if (argv.isEmpty()
        || argv.get(0).isBlank()
        || score < 1
        || timeout.isNegative()
        || timeout.isZero()) {
      throw new ConfigurationException(
          "heuristic '"
              + name
              + "': needs a command starting with a program, a score of at least 1 (got "
              + score
              + ") and a positive timeout (got "
              + timeout
              + ")");
    }
  }

  @Override
  public boolean passes() throws InterruptedException {
    return CommandCheck.of(argv, timeout).passes();
  }
}
