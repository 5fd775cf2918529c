package dev.quorate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scale workloads of issue 18 on one TestingCluster of three, Quorate and Curator taking turns
 * at each size: bulk failover, first acquisition of new locks, heap per lease and per waiting
 * request, membership with many members, and the quorum disk with many nodes. Prints Markdown
 * tables with ratios and a cost-growth table; optionally writes JSON and a PNG plot. Usage: {@code
 * bin/bench scale [--failover 100,300,1000] [--first 100,300,1000] [--memory 1000,3000,10000]
 * [--members 3,50,200] [--qdisk 16,64,255] [--interval-ms 1000] [--json FILE] [--plot FILE.png]}; a
 * workload given an empty list ({@code --memory ""}) is skipped.
 */
public final class ScaleBench {
  private ScaleBench() {}

  /**
   * Runs the scale workloads.
   *
   * @param args the options above
   * @throws Exception if the cluster cannot start or a workload fails
   */
  public static void main(String[] args) throws Exception {
    ScaleOptions options = ScaleOptions.parse(args);
    System.out.print(run(options, Progress.stderr()));
  }

  /** One measurement. */
  private interface Measurement {
    ScalePoint run() throws Exception;
  }

  /** Announces each measurement, keeps its point, and notes a failure without ending the run. */
  private record Runs(List<ScalePoint> points, List<String> failures, Progress progress) {
    void measure(String workload, String size, String library, Measurement measurement) {
      progress.step(workload, size, library);
      try {
        points.add(measurement.run());
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        String what = workload + ", " + size + ", " + library;
        failures.add("- " + what + " failed: " + e);
        System.err.println(what + " failed: " + e);
      }
    }
  }

  /** Runs what {@code options} ask for and returns the report; writes the JSON and PNG if asked. */
  static String run(ScaleOptions options, Progress progress) throws Exception {
    Instant began = Instant.now();
    String loadBefore = LockBench.load();
    String run = Long.toHexString(System.nanoTime());
    List<ScalePoint> points = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Runs runs = new Runs(points, failures, progress);
    List<BulkMember.Library> libraries = List.of(CuratorBulk.library(), QuorateBulk.library());
    try (BenchCluster cluster = new BenchCluster()) {
      cluster.start();
      for (int n : options.failover()) {
        for (BulkMember.Library library : libraries) {
          runs.measure(
              Failover.TITLE,
              "N = " + n,
              library.name(),
              () -> Failover.run(cluster, library, n, options.failoverSession(), run));
        }
      }
      for (int n : options.first()) {
        for (BulkMember.Library library : libraries) {
          runs.measure(
              FirstAcquisition.TITLE,
              "N = " + n,
              library.name(),
              () -> FirstAcquisition.run(cluster, library, n, run));
        }
      }
      for (int n : options.memory()) {
        runs.measure(
            HeapPerLock.TITLE, "N = " + n, "raw nodes", () -> HeapPerLock.raw(cluster, n, run));
        for (BulkMember.Library library : libraries) {
          runs.measure(
              HeapPerLock.TITLE,
              "N = " + n,
              library.name(),
              () -> HeapPerLock.run(cluster, library, n, run));
        }
      }
      for (int m : options.members()) {
        runs.measure(
            MembershipScale.TITLE,
            "M = " + m,
            "Quorate ZkMembership",
            () -> MembershipScale.run(cluster, m, run));
      }
    }
    Path dir = Files.createTempDirectory("quorate-bench-qdisk");
    try {
      for (int k : options.qdisk()) {
        Duration interval = QuorumDiskScale.interval(k, options.interval());
        runs.measure(
            QuorumDiskScale.TITLE,
            "K = " + k,
            "interval " + interval,
            () -> QuorumDiskScale.run(k, interval, dir));
      }
    } finally {
      Files.deleteIfExists(dir);
    }
    long seconds = Duration.between(began, Instant.now()).toSeconds();
    String loadAfter = LockBench.load();
    String header =
        "TestingCluster(3), fsync on, clients on one follower; Curator and Quorate take turns at"
            + " each size; started "
            + began
            + ", took "
            + seconds
            + "s\nload before: "
            + loadBefore
            + "\nload after:  "
            + loadAfter
            + "\n";
    String report =
        header
            + ScaleTables.render(points)
            + (failures.isEmpty() ? "" : "\n### Failed\n\n" + String.join("\n", failures) + "\n");
    if (options.json() != null) {
      JsonReport json =
          new JsonReport(
              Map.of(
                  "started",
                  began.toString(),
                  "seconds",
                  Long.toString(seconds),
                  "loadBefore",
                  loadBefore,
                  "loadAfter",
                  loadAfter));
      json.addAll(points);
      json.write(options.json());
    }
    if (options.plot() != null) {
      ScaleChart.write(points, "Quorate and Curator against N (" + began + ")", options.plot());
    }
    return report;
  }

  /** The figures of {@code points} by workload, in order. */
  static Map<String, List<ScalePoint>> byWorkload(List<ScalePoint> points) {
    Map<String, List<ScalePoint>> grouped = new LinkedHashMap<>();
    for (ScalePoint point : points) {
      grouped.computeIfAbsent(point.workload(), w -> new ArrayList<>()).add(point);
    }
    return grouped;
  }
}
