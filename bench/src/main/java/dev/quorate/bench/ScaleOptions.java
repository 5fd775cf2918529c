package dev.quorate.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bin/bench scale} runs: the sizes of each workload (an empty list skips it), the
 * quorum disk's interval, the failing holder's session timeout, and where JSON and PNG go.
 *
 * @param failover N of the bulk failover
 * @param first N of the first acquisitions
 * @param memory N of the heap measurement
 * @param members M of the membership workload
 * @param qdisk K of the quorum disk workload
 * @param interval the quorum disk's heartbeat interval
 * @param failoverSession the session timeout the dying holder asks for
 * @param json where to write JSON, or null
 * @param plot where to write the PNG, or null
 */
record ScaleOptions(
    List<Integer> failover,
    List<Integer> first,
    List<Integer> memory,
    List<Integer> members,
    List<Integer> qdisk,
    Duration interval,
    Duration failoverSession,
    Path json,
    Path plot) {

  static ScaleOptions defaults() {
    return new ScaleOptions(
        List.of(100, 300, 1000),
        List.of(100, 300, 1000),
        List.of(1000, 3000, 10000),
        List.of(3, 50, 200),
        List.of(16, 64, 255),
        Duration.ofSeconds(1),
        Duration.ofSeconds(4),
        null,
        null);
  }

  /**
   * Parses {@code --name value} pairs over the defaults.
   *
   * @throws IllegalArgumentException naming the option or value that is not understood
   */
  static ScaleOptions parse(String[] args) {
    ScaleOptions o = defaults();
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException(
          "options come in pairs (--name value); got " + String.join(" ", args));
    }
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      o =
          switch (args[i]) {
            case "--failover" -> o.with(0, sizes("--failover", value));
            case "--first" -> o.with(1, sizes("--first", value));
            case "--memory" -> o.with(2, sizes("--memory", value));
            case "--members" -> o.with(3, sizes("--members", value));
            case "--qdisk" -> o.with(4, sizes("--qdisk", value));
            case "--interval-ms" ->
                new ScaleOptions(
                    o.failover,
                    o.first,
                    o.memory,
                    o.members,
                    o.qdisk,
                    Duration.ofMillis(atLeastTwo("--interval-ms", value)),
                    o.failoverSession,
                    o.json,
                    o.plot);
            case "--session-ms" ->
                new ScaleOptions(
                    o.failover,
                    o.first,
                    o.memory,
                    o.members,
                    o.qdisk,
                    o.interval,
                    Duration.ofMillis(atLeastTwo("--session-ms", value)),
                    o.json,
                    o.plot);
            case "--json" ->
                new ScaleOptions(
                    o.failover,
                    o.first,
                    o.memory,
                    o.members,
                    o.qdisk,
                    o.interval,
                    o.failoverSession,
                    Path.of(value),
                    o.plot);
            case "--plot" ->
                new ScaleOptions(
                    o.failover,
                    o.first,
                    o.memory,
                    o.members,
                    o.qdisk,
                    o.interval,
                    o.failoverSession,
                    o.json,
                    Path.of(value));
            default ->
                throw new IllegalArgumentException(
                    "unknown option "
                        + args[i]
                        + "; known: --failover, --first, --memory, --members,"
                        + " --qdisk (comma-separated sizes), --interval-ms, --session-ms, --json FILE,"
                        + " --plot FILE.png");
          };
    }
    return o;
  }

  private ScaleOptions with(int which, List<Integer> sizes) {
    return new ScaleOptions(
        which == 0 ? sizes : failover,
        which == 1 ? sizes : first,
        which == 2 ? sizes : memory,
        which == 3 ? sizes : members,
        which == 4 ? sizes : qdisk,
        interval,
        failoverSession,
        json,
        plot);
  }

  private static List<Integer> sizes(String option, String value) {
    List<Integer> sizes = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        sizes.add(atLeastTwo(option, part.trim()));
      }
    }
    return List.copyOf(sizes);
  }

  private static int atLeastTwo(String option, String value) {
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + value + "' is not a whole number", e);
    }
    if (parsed < 2) {
      throw new IllegalArgumentException(option + ": " + parsed + " must be at least 2");
    }
    return parsed;
  }
}
