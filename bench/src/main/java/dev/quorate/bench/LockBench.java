package dev.quorate.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

/**
 * Runs Quorate's ZooKeeper locks and Curator's InterProcessMutex on one TestingCluster of three in
 * one JVM and prints a Markdown table of medians, latencies and ratios. Usage: {@code java -jar
 * quorate-bench-all.jar [windowSeconds] [measuredWindows]} (defaults 4 and 3).
 */
public final class LockBench {
  private LockBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional window length in seconds and number of measured windows
   * @throws Exception if the cluster cannot start
   */
  public static void main(String[] args) throws Exception {
    Duration window = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 4);
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Instant began = Instant.now();
    String loadBefore = load();
    Windows windows = new Windows(window, measured);
    Scenarios scenarios = new Scenarios(windows);
    List<String> rows = new ArrayList<>();
    try (BenchCluster cluster = new BenchCluster()) {
      cluster.start();
      List<Scenarios.Library> quorate = Libraries.quorate(cluster);
      Scenarios.Library curator = Libraries.curator(cluster);
      Result floor = floor(cluster, windows);
      rows.add(row("raw create+delete floor (1 thread)", floor, null, ""));
      for (Workload workload : Workload.values()) {
        Result theirs = workload.run(scenarios, curator);
        rows.add(row(workload.title + ": Curator", theirs, null, ""));
        for (Scenarios.Library ours : quorate) {
          Result result = workload.run(scenarios, ours);
          rows.add(row(workload.title + ": " + ours.name(), result, theirs, workload.target));
          if (workload == Workload.COLD) {
            rows.add(
                String.format(
                    Locale.ROOT,
                    "| %s / raw floor | | | | %.2fx | >= 0.90x | |",
                    ours.name(),
                    result.opsPerSecond() / floor.opsPerSecond()));
          }
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "TestingCluster(3), fsync on, clients on one follower; %d measured windows of %s"
                + " after one warm-up window; started %s, took %ds%nload before: %s%nload after:"
                + "  %s%n%n",
            measured,
            window,
            began,
            Duration.between(began, Instant.now()).toSeconds(),
            loadBefore,
            load()));
    out.append(
        "| workload | ops/s (median) | windows | p50 ms | p99 ms | ratio vs Curator | target |"
            + " errors / violations |\n");
    out.append("|---|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> out.append(r).append('\n'));
    System.out.print(out);
  }

  /** The workloads in the order of issue 7, with their targets. */
  private enum Workload {
    COLD("(1) 1 thread, cold (2 members alternate)", ">= 1.25x"),
    CACHED("(2) 1 thread, reacquire one lock", ">= 50x"),
    THREADS("(3) 8 threads, 1 member, 1 lock", ">= 20x"),
    MEMBERS("(4) 4 members, 1 lock", ">= 1.0x"),
    MANY("(5) 8 threads, 1 member, 100 locks", ">= 2x");

    final String title;
    final String target;

    Workload(String title, String target) {
      this.title = title;
      this.target = target;
    }

    Result run(Scenarios scenarios, Scenarios.Library library) throws Exception {
      return switch (this) {
        case COLD -> scenarios.cold(library);
        case CACHED -> scenarios.cached(library);
        case THREADS -> scenarios.threadsOneLock(library);
        case MEMBERS -> scenarios.membersOneLock(library);
        case MANY -> scenarios.threadsManyLocks(library);
      };
    }
  }

  /** The floor of a cold cycle: one synchronous create(ephemeral-sequential) and one delete. */
  private static Result floor(BenchCluster cluster, Windows windows) throws Exception {
    try (CuratorFramework client = cluster.newClient()) {
      client.start();
      client.blockUntilConnected();
      byte[] payload = "bench".getBytes(StandardCharsets.UTF_8);
      return windows.run(
          1,
          (thread, i) -> {
            String path =
                client
                    .create()
                    .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath("/bench/raw/n-", payload);
            client.delete().forPath(path);
          },
          new LongAdder());
    }
  }

  private static String row(String name, Result result, Result curator, String target) {
    StringBuilder windows = new StringBuilder();
    for (double ops : result.windowOps()) {
      windows.append(windows.length() == 0 ? "" : " / ").append(Math.round(ops));
    }
    return String.format(
        Locale.ROOT,
        "| %s | %.0f | %s | %.2f | %.2f | %s | %s | %d / %d |",
        name,
        result.opsPerSecond(),
        windows,
        result.p50Millis(),
        result.p99Millis(),
        curator == null
            ? ""
            : String.format(Locale.ROOT, "%.2fx", result.opsPerSecond() / curator.opsPerSecond()),
        target,
        result.errors(),
        result.violations());
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
