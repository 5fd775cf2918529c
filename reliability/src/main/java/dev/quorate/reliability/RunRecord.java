package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a run left behind, as the {@link Checker} reads it. Built from a run directory, or by
 * hand in tests.
 *
 * @param fenced whether the resource checked tokens
 * @param histories each client's history lines, by client id
 * @param resourceLog the resource's accept and reject lines, in acceptance order
 * @param counter the counter's final value, read from its file
 * @param faults the faults the nemesis injected
 * @param clocks the harness's clock checks, one line per client
 * @param lockNodesLeft lock nodes in the ensemble after the clients stopped; -1 for a run without
 *     lock nodes (disk leases), {@link #UNKNOWN} when a ZooKeeper run left no {@code shutdown.log}
 * @param exits how each client ended
 */
record RunRecord(
    boolean fenced,
    Map<String, List<String>> histories,
    List<String> resourceLog,
    long counter,
    List<FaultRecord> faults,
    List<String> clocks,
    int lockNodesLeft,
    List<String> exits) {

  /** {@link #lockNodesLeft} of a ZooKeeper run that did not record it. */
  static final int UNKNOWN = -2;

  static RunRecord read(Path dir) throws IOException {
    Map<String, List<String>> histories = new TreeMap<>();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".history")).sorted().toList()) {
        String name = p.getFileName().toString();
        histories.put(name.substring(0, name.length() - ".history".length()), lines(p));
      }
    }
    List<FaultRecord> faults = new ArrayList<>();
    for (String l : lines(dir.resolve("faults.log"))) {
      faults.add(FaultRecord.parse(l));
    }
    String shutdown = String.join(" ", lines(dir.resolve("shutdown.log")));
    String settings = String.join("", lines(dir.resolve("settings.txt")));
    boolean fenced = settings.startsWith("fenced");
    int left =
        !shutdown.isBlank()
            ? Integer.parseInt(shutdown.trim().split(" ")[1])
            : settings.contains("lease disk") ? -1 : UNKNOWN;
    return new RunRecord(
        fenced,
        histories,
        lines(dir.resolve("resource.log")),
        FencedCounter.readCounter(dir),
        faults,
        lines(dir.resolve("clocks.log")),
        left,
        lines(dir.resolve("exits.log")));
  }

  private static List<String> lines(Path p) throws IOException {
    if (!Files.exists(p)) {
      return List.of();
    }
    return Files.readAllLines(p, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank())
        .toList();
  }
}
