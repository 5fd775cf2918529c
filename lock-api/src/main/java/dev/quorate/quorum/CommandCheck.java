package dev.quorate.quorum;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A health check that runs a program (no shell) and passes when it exits 0 within its timeout: the
 * one implementation behind the command heuristics of the arbiter and of the quorum disk. A run
 * that overruns its timeout, or whose thread is interrupted, kills the program and every process it
 * started (its whole tree), so no check outlives its run; an interrupt then propagates.
 *
 * <p>A process that detaches from the tree on purpose (a daemon that double-forks, then exits) is
 * no longer the check's to kill once its parent has exited.
 *
 * <pre>{@code
 * CommandCheck gateway =
 *     CommandCheck.of(List.of("ping", "-c", "1", "-W", "1", "10.0.0.1"), Duration.ofSeconds(2));
 * boolean reachable = gateway.passes();
 * }</pre>
 */
public final class CommandCheck {
  private final List<String> command;
  private final Duration timeout;

  private CommandCheck(List<String> command, Duration timeout) {
    this.command = command;
    this.timeout = timeout;
  }

  /**
   * Returns a check of {@code command}.
   *
   * @param command the program and its arguments, not empty
   * @param timeout how long one run may take, positive
   * @return the check
   * @throws IllegalArgumentException if {@code command} is empty or starts with a blank program, or
   *     {@code timeout} is not positive
   * @throws NullPointerException if an argument is null
   */
  public static CommandCheck of(List<String> command, Duration timeout) {
    List<String> argv = List.copyOf(Objects.requireNonNull(command, "command"));
    Objects.requireNonNull(timeout, "timeout");
    if (argv.isEmpty() || argv.get(0).isBlank()) {
      // It could never start: every run would count as a failure, with nothing said at startup.
      throw new IllegalArgumentException(
          "check command must start with a program, e.g. [ping, -c, 1, 10.0.0.1]; got " + argv);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "timeout of check " + argv + " must be positive, got " + timeout);
    }
    return new CommandCheck(argv, timeout);
  }

  /**
   * Returns the program and its arguments.
   *
   * @return the command
   */
  public List<String> command() {
    return command;
  }

  /**
   * Returns how long one run may take.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Runs the command once and waits for it, at most the timeout.
   *
   * @return true if it exited 0 within the timeout; false if it exited otherwise or overran (its
   *     process tree is then killed)
   * @throws InterruptedException if interrupted while waiting; the process tree is killed first
   * @throws QuorateException with {@link ErrorCode#IO_FAILURE} if the program cannot be started
   *     (not found, not executable), naming the command
   */
  public boolean passes() throws InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot start check command " + command + ": " + e.getMessage(), e);
    }
    boolean finished = false;
    try {
      finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return finished && process.exitValue() == 0;
    } finally {
      // On timeout, and on interrupt (its owner closing): no process of the run outlives it.
      if (!finished) {
        killTree(process.toHandle());
      }
    }
  }

  /**
   * Kills a process and its descendants. The descendants are found before their parent dies: an
   * orphan is re-parented and no longer shows below the process. Repeats until a pass finds no new
   * process, for one that forked while the previous pass ran.
   */
  private static void killTree(ProcessHandle root) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    boolean grew = true;
    while (grew) {
      grew = false;
      for (ProcessHandle known : List.copyOf(tree)) {
        grew |= known.descendants().map(tree::add).reduce(false, Boolean::logicalOr);
      }
      tree.forEach(ProcessHandle::destroyForcibly); // the parent first: it forks no more
    }
  }

  @Override
  public String toString() {
    return "command " + command + " (timeout " + timeout + ")";
  }
}
