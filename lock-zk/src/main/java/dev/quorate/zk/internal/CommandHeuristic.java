package dev.quorate.zk.internal;

import dev.quorate.zk.ArbiterHeuristic;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** An {@link ArbiterHeuristic} that runs a command; exit 0 within the timeout passes. */
public final class CommandHeuristic implements ArbiterHeuristic {
  private final List<String> command;
  private final Duration timeout;

  /**
   * Validates the command.
   *
   * @param command program and arguments, not empty
   * @param timeout positive
   * @throws IllegalArgumentException if the command is empty, its program blank, or the timeout not
   *     positive
   */
  public CommandHeuristic(List<String> command, Duration timeout) {
    this.command = List.copyOf(Objects.requireNonNull(command, "command"));
    Objects.requireNonNull(timeout, "timeout");
    if (this.command.isEmpty()) {
      throw new IllegalArgumentException("heuristic command must not be empty");
    }
    if (this.command.get(0).isBlank()) {
      // It could never start: every run would count as a failure, with nothing said at startup.
      throw new IllegalArgumentException(
          "heuristic command must start with a program, e.g. [ping, -c, 1, 10.0.0.1]; got "
              + this.command);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "timeout of heuristic " + this.command + " must be positive, got " + timeout);
    }
    this.timeout = timeout;
  }

  @Override
  public boolean passes() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return false;
      }
      return process.exitValue() == 0;
    } finally {
      // On timeout, and when interrupted (the arbiter closing): no command outlives its check.
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return "command heuristic " + command + " (timeout " + timeout + ")";
  }
}
