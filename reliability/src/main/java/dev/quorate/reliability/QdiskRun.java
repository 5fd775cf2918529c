package dev.quorate.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A quorum-disk run: three daemons on three disks under the {@link QdiskNemesis}, then a check. */
final class QdiskRun {
  private QdiskRun() {}

  /** Runs for {@code duration}, checks, and returns the rendered report and the result. */
  record Outcome(String text, QdiskChecker.Result result) {}

  static Outcome run(Path dir, Duration duration, Duration gap, long seed) throws Exception {
    Files.createDirectories(dir);
    long started = System.nanoTime();
    try (ChildProcesses processes = new ChildProcesses()) {
      QdiskCluster cluster = QdiskCluster.format(processes, dir, 3);
      SlotWatcher watcher = new SlotWatcher(dir, cluster.disks(), QdiskCluster.NODES);
      try {
        for (int n = 1; n <= QdiskCluster.NODES; n++) {
          cluster.start(n);
        }
        Poll.until(
            "the daemons agree on a master",
            Duration.ofSeconds(90),
            () -> cluster.agreedMaster().isPresent());
        new QdiskNemesis(dir, cluster, gap, seed).run(System.nanoTime() + duration.toNanos());
        cluster.stopAll();
      } finally {
        watcher.close();
      }
      Map<Integer, List<QdiskEvent>> events = new TreeMap<>();
      for (int n = 1; n <= QdiskCluster.NODES; n++) {
        events.put(n, cluster.events(n));
      }
      List<SlotWrite> writes = new ArrayList<>();
      for (String l : Files.readAllLines(dir.resolve("slots.log"), StandardCharsets.UTF_8)) {
        writes.add(SlotWrite.parse(l));
      }
      List<QdiskFault> faults = new ArrayList<>();
      for (String l : Files.readAllLines(dir.resolve("qfaults.log"), StandardCharsets.UTF_8)) {
        faults.add(QdiskFault.parse(l));
      }
      QdiskChecker.Result r = QdiskChecker.check(events, writes, faults);
      String text =
          render(r, writes.size())
              + String.format(
                  "wall time %d s; %s%n",
                  Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                  r.violations().isEmpty() ? "PASSED" : "FAILED");
      Files.writeString(dir.resolve("report.txt"), text, StandardCharsets.UTF_8);
      return new Outcome(text, r);
    }
  }

  static String render(QdiskChecker.Result r, int writes) {
    StringBuilder out = new StringBuilder("== quorum disk: 3 daemons, 3 disks\n");
    out.append(String.format("heartbeat writes seen    %d%n", writes));
    out.append(String.format("master tenures           %d%n", r.tenures()));
    out.append(String.format("evictions                %d%n", r.evictions()));
    out.append(String.format("%-14s %6s %9s %9s%n", "fault", "count", "p50 ms", "p99 ms"));
    for (Map.Entry<String, Integer> e : r.faults().entrySet()) {
      List<Long> t = r.recoveryMillis().getOrDefault(e.getKey(), List.of());
      out.append(
          String.format(
              "%-14s %6d %9s %9s%n",
              e.getKey(), e.getValue(), Report.percentile(t, 50), Report.percentile(t, 99)));
    }
    out.append(String.format("nodes lost to disk faults %d%n", r.nodesLostToDiskFaults()));
    out.append(String.format("violations               %d%n", r.violations().size()));
    for (String v : r.violations().subList(0, Math.min(20, r.violations().size()))) {
      out.append("  VIOLATION ").append(v).append('\n');
    }
    return out.toString();
  }
}
