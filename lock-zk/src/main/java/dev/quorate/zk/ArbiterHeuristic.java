package dev.quorate.zk;

import dev.quorate.quorum.CommandCheck;
import dev.quorate.zk.internal.CommandHeuristic;
import java.time.Duration;
import java.util.List;

/**
 * A health check whose result adds to (passed) or takes from (failed) the member's score at the
 * arbiter, like qdevice heuristics: a member that can still reach the gateway or the storage is a
 * better survivor than one that cannot. Run by {@link ZkArbiter} whenever the member's partition
 * changes; an exception counts as a failure (and is logged).
 *
 * <pre>{@code
 * ArbiterHeuristic gateway = ArbiterHeuristic.command(
 *     List.of("ping", "-c", "1", "-W", "1", "10.0.0.1"), Duration.ofSeconds(2));
 * ArbiterHeuristic storage = () -> Files.isWritable(Path.of("/mnt/shared"));
 * }</pre>
 */
@FunctionalInterface
public interface ArbiterHeuristic {
  /**
   * Runs the check; must return within a bounded time.
   *
   * @return true if it passed
   * @throws InterruptedException if interrupted (the arbiter closing); the check must stop what it
   *     started
   */
  boolean passes() throws InterruptedException;

  /**
   * Returns a heuristic that runs a command ({@link CommandCheck}): it passes if the command exits
   * 0 within the timeout; on timeout or interrupt the command's whole process tree is killed.
   *
   * @param command the program and its arguments, not empty
   * @param timeout how long the command may run, positive
   * @return the heuristic
   * @throws IllegalArgumentException if {@code command} is empty or starts with a blank program, or
   *     {@code timeout} is not positive
   */
  static ArbiterHeuristic command(List<String> command, Duration timeout) {
    return new CommandHeuristic(CommandCheck.of(command, timeout));
  }
}
