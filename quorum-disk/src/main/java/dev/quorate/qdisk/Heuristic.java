package dev.quorate.qdisk;

import dev.quorate.qdisk.internal.CommandHeuristic;
import dev.quorate.qdisk.internal.TcpHeuristic;
import java.time.Duration;
import java.util.List;

/**
 * A check that adds its score when it passes; a node whose total reaches the minimum score is
 * eligible to become master (qdiskd's heuristics). Checks run on their own thread at their own
 * interval, so a slow check never delays a heartbeat, and each is bounded by its timeout: a check
 * that times out fails.
 *
 * <pre>{@code
 * Heuristic gateway = Heuristic.tcp("gateway-ssh", "10.0.0.1", 22, 1, Duration.ofSeconds(1));
 * Heuristic ping = Heuristic.command("ping", List.of("/bin/ping", "-c1", "-w1", "10.0.0.1"), 1,
 *     Duration.ofSeconds(2));
 * }</pre>
 */
public interface Heuristic {
  /**
   * Returns the check's name, for status and logs.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the score the check adds when it passes.
   *
   * @return at least 1
   */
  int score();

  /**
   * Returns the longest one run may take.
   *
   * @return the timeout
   */
  Duration timeout();

  /**
   * Runs the check once.
   *
   * @return true if it passed within its timeout
   * @throws InterruptedException if interrupted
   */
  boolean passes() throws InterruptedException;

  /**
   * Returns a check that runs a program (no shell, {@link dev.quorate.quorum.CommandCheck}) and
   * passes when it exits 0 in time; a program that overruns, or whose run is interrupted, is killed
   * with its whole process tree, and one that cannot start fails (the runner logs why).
   *
   * @param name the check's name
   * @param argv the program and its arguments
   * @param score the score it adds, at least 1
   * @param timeout the longest a run may take
   * @return the check
   * @throws dev.quorate.lock.ConfigurationException if argv is empty or starts with a blank
   *     program, the score is below 1 or the timeout not positive
   */
  static Heuristic command(String name, List<String> argv, int score, Duration timeout) {
    return new CommandHeuristic(name, argv, score, timeout);
  }

  /**
   * Returns a check that passes when a TCP connection to {@code host:port} opens in time.
   *
   * @param name the check's name
   * @param host the host name or address
   * @param port the port, 1 to 65535
   * @param score the score it adds, at least 1
   * @param timeout the longest the connect may take
   * @return the check
   * @throws dev.quorate.lock.ConfigurationException if the port or score is out of range
   */
  static Heuristic tcp(String name, String host, int port, int score, Duration timeout) {
    return new TcpHeuristic(name, host, port, score, timeout);
  }
}
