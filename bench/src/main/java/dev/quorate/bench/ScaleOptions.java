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
 * @param interval the quorum disk's heartbeat interval; a size whose heartbeat reads would exceed
 *     the disk's budget runs at a whole multiple of it ({@link QuorumDiskScale#interval})
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
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException(
          "options come in pairs (--name value); got " + String.join(" ", args));
    }
    ScaleOptions d = defaults();
    List<List<Integer>> sizes =
        new ArrayList<>(List.of(d.failover, d.first, d.memory, d.members, d.qdisk));
    List<String> sizeOptions = List.of("--failover", "--first", "--memory", "--members", "--qdisk");
    Duration interval = d.interval;
    Duration session = d.failoverSession;
    Path json = null;
    Path plot = null;
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      String value = args[i + 1];
      int which = sizeOptions.indexOf(option);
      if (which >= 0) {
        sizes.set(which, sizes(option, value));
      } else {
        switch (option) {
          case "--interval-ms" -> interval = Duration.ofMillis(atLeastTwo(option, value));
          case "--session-ms" -> session = Duration.ofMillis(atLeastTwo(option, value));
          case "--json" -> json = Path.of(value);
          case "--plot" -> plot = Path.of(value);
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + option
                      + "; known: --failover, --first, --memory, --members, --qdisk"
                      + " (comma-separated sizes), --interval-ms, --session-ms, --json FILE,"
                      + " --plot FILE.png");
        }
      }
    }
    return new ScaleOptions(
        sizes.get(0),
        sizes.get(1),
        sizes.get(2),
        sizes.get(3),
        sizes.get(4),
        interval,
        session,
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
