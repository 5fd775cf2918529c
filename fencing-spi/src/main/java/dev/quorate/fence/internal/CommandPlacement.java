package dev.quorate.fence.internal;

import dev.quorate.fence.Placement;
import dev.quorate.fence.PlacementSource;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link PlacementSource} that asks a command, such as a script over the hypervisors' {@code
 * virsh list}: one {@code member host} pair per line. Anything else fails the read with the line
 * quoted, because a half-understood placement is worse than none: the guard then refuses.
 */
public final class CommandPlacement implements PlacementSource {
  private final List<String> command;
  private final Duration timeout;
  private final MonotonicClock nanoClock;

  /**
   * Creates the source; use {@link PlacementSource#command}.
   *
   * @param command the program and its arguments
   * @param timeout the longest a read may take
   * @param nanoClock stamps each read
   * @throws ConfigurationException if the command is empty or the timeout not positive
   */
  public CommandPlacement(List<String> command, Duration timeout, MonotonicClock nanoClock) {
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new ConfigurationException("placement command: no program given");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException(
          "placement command timeout " + timeout + " is invalid: it must be positive");
    }
    this.command = List.copyOf(command);
    this.timeout = timeout;
    this.nanoClock = nanoClock;
  }

  @Override
  public Placement read() {
    ProcessRun run;
    try {
      run = AgentProcess.run(command, List.of(), timeout, new Redactor(List.of()));
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "placement command " + command + " cannot run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "interrupted while reading the placement from " + command, e);
    }
    if (run.timedOut()) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "placement command " + command + " did not finish in " + timeout);
    }
    if (run.exitCode() != 0) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "placement command " + command + " exited " + run.exitCode() + ": " + run.tail());
    }
    return new Placement(parse(run.stdout()), nanoClock.nanoTime());
  }

  /** Parses {@code member host} lines; fails on the first line that is anything else. */
  static Map<String, String> parse(String output) {
    Map<String, String> hosts = new LinkedHashMap<>();
    String[] lines = output.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      String where = "placement line " + (i + 1) + " '" + OptionRules.printable(line) + "'";
      if (fields.length != 2) {
        throw new QuorateException(
            ErrorCode.IO_FAILURE, where + " is not 'member host' (two fields)");
      }
      String member;
      String host;
      try {
        member = OptionRules.checkName("member", fields[0]);
        host = OptionRules.checkName("host", fields[1]);
      } catch (ConfigurationException e) {
        throw new QuorateException(ErrorCode.IO_FAILURE, where + ": " + e.getMessage(), e);
      }
      String before = hosts.putIfAbsent(member, host);
      if (before != null) {
        throw new QuorateException(
            ErrorCode.IO_FAILURE,
            where + ": member " + member + " is placed twice (" + before + ", " + host + ")");
      }
    }
    return hosts;
  }

  @Override
  public String name() {
    return "placement command " + command.get(0);
  }
}
