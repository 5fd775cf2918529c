package dev.quorate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs Quorate's ZooKeeper locks and Curator's InterProcessMutex on one TestingCluster of three in
 * one JVM and prints a Markdown table of medians, latencies and ratios. Usage: {@code java -jar
 * quorate-bench-all.jar [windowSeconds] [measuredWindows] [workloads]} (defaults 3, 5 and {@code
 * 1,2,3,4,5}; the last argument picks workloads by their number in issue 7).
 */
public final class LockBench {
  private LockBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional window length in seconds, number of measured windows, and workloads
   * @throws Exception if the cluster cannot start
   */
  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Exception | Error e) {
      // Said here: ZooKeeper's server installs a default handler that would log it to its file.
      System.err.println("bench failed: " + e);
      e.printStackTrace(System.err);
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("scale")) {
      ScaleBench.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Path json = null;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--json") && i + 1 < args.length) {
        json = Path.of(args[++i]);
      } else {
        positional.add(args[i]);
      }
    }
    args = positional.toArray(String[]::new);
    Progress progress = Progress.stderr();
    JsonReport report = new JsonReport(Map.of("started", Instant.now().toString()));
    Duration window = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 3);
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Set<Workload> chosen = EnumSet.noneOf(Workload.class);
    for (String number : (args.length > 2 ? args[2] : "1,2,3,4,5").split(",")) {
      chosen.add(Workload.values()[Integer.parseInt(number.trim()) - 1]);
    }
    Instant began = Instant.now();
    String loadBefore = load();
    List<String> rows = new ArrayList<>();
    List<String> turns = new ArrayList<>();
    try (BenchCluster cluster = new BenchCluster()) {
      cluster.start();
      Windows windows = new Windows(window, measured, cluster::requestsReceived, progress);
      Scenarios.Library curator = Libraries.curator(cluster);
      List<Scenarios.Library> quorate = Libraries.quorate(cluster);
      for (Workload workload : chosen) {
        List<Scenarios.Library> libraries = new ArrayList<>();
        if (workload == Workload.COLD) {
          libraries.add(Libraries.floor(cluster));
        }
        libraries.add(curator);
        libraries.addAll(quorate);
        List<Scenarios.Prepared> prepared = new ArrayList<>();
        List<Result> results;
        try {
          for (Scenarios.Library library : libraries) {
            prepared.add(workload.prepare(library));
          }
          results = windows.runInTurns(workload.title, prepared);
        } finally {
          prepared.forEach(Scenarios.Prepared::close);
        }
        Result floor = workload == Workload.COLD ? results.get(0) : null;
        Result theirs = results.get(libraries.indexOf(curator));
        for (int i = 0; i < libraries.size(); i++) {
          Scenarios.Library library = libraries.get(i);
          Result result = results.get(i);
          report.add(
              Map.of("workload", workload.title, "library", library.name()), result.figures());
          boolean ours = quorate.contains(library);
          rows.add(
              row(
                  workload.title + ": " + library.name(),
                  result,
                  ours ? theirs : null,
                  ours ? workload.target(library) : ""));
          if (prepared.get(i).members() > 1) {
            turns.addAll(turns(workload.title + ": " + library.name(), result));
          }
          if (ours && floor != null) {
            rows.add(
                String.format(
                    Locale.ROOT,
                    "| %s / raw floor | | | | | | %.2fx | >= 1.0x | | |",
                    library.name(),
                    result.opsPerSecond() / floor.opsPerSecond()));
          }
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "TestingCluster(3), fsync on, clients on one follower; per workload one warm-up window"
                + " per library, then %d measured windows of %s each, the libraries taking turns;"
                + " started %s, took %ds%nload before: %s%nload after:  %s%n%n",
            measured,
            window,
            began,
            Duration.between(began, Instant.now()).toSeconds(),
            loadBefore,
            load()));
    out.append(
        "| workload | ops/s (median) | windows | p50 ms | p99 ms | ZK requests / cycle | ratio vs"
            + " Curator | target | errors / violations | longest run |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> out.append(r).append('\n'));
    if (!turns.isEmpty()) {
      out.append(
          "\nTurns in each measured window where several members share a lock: grants per member,"
              + " the longest run of consecutive grants to one member, ZooKeeper requests per"
              + " cycle.\n\n");
      turns.forEach(t -> out.append(t).append('\n'));
    }
    System.out.print(out);
    if (json != null) {
      report.write(json);
    }
  }

  /**
   * The workloads in the order of issue 7, with their targets against Curator: with cohorting on
   * (issue 7) and as built by default (issue 18; none where only caching can help).
   */
  private enum Workload {
    COLD("(1) 1 thread, cold (2 members alternate)", ">= 1.25x", ">= 1.25x"),
    CACHED("(2) 1 thread, reacquire one lock", ">= 50x", ""),
    THREADS("(3) 8 threads, 1 member, 1 lock", ">= 20x", ""),
    MEMBERS("(4) 4 members, 1 lock", ">= 1.0x", ">= 1.1x"),
    MANY("(5) 8 threads, 1 member, 100 locks", ">= 2x", ">= 1.5x");

    final String title;
    private final String cohortingTarget;
    private final String defaultTarget;

    Workload(String title, String cohortingTarget, String defaultTarget) {
      this.title = title;
      this.cohortingTarget = cohortingTarget;
      this.defaultTarget = defaultTarget;
    }

    String target(Scenarios.Library library) {
      return library.name().contains("cohorting") ? cohortingTarget : defaultTarget;
    }

    Scenarios.Prepared prepare(Scenarios.Library library) throws Exception {
      return switch (this) {
        case COLD -> Scenarios.cold(library);
        case CACHED -> Scenarios.cached(library);
        case THREADS -> Scenarios.threadsOneLock(library);
        case MEMBERS -> Scenarios.membersOneLock(library);
        case MANY -> Scenarios.threadsManyLocks(library);
      };
    }
  }

  private static List<String> turns(String name, Result result) {
    List<String> lines = new ArrayList<>();
    for (int w = 0; w < result.windowShares().length; w++) {
      Turns.Shares shares = result.windowShares()[w];
      StringBuilder grants = new StringBuilder();
      for (long g : shares.grants()) {
        grants.append(grants.length() == 0 ? "" : " / ").append(g);
      }
      lines.add(
          String.format(
              Locale.ROOT,
              "- %s, window %d: %s grants, longest run %d (member %d), %s requests/cycle",
              name,
              w + 1,
              grants,
              shares.longestRun(),
              shares.longestRunMember(),
              perCycle(result.windowRequestsPerCycle()[w])));
    }
    return lines;
  }

  /** Two decimals, or two significant digits below 0.01: a few requests must not read as none. */
  static String perCycle(double requests) {
    return requests > 0 && requests < 0.01
        ? String.format(Locale.ROOT, "%.2g", requests)
        : String.format(Locale.ROOT, "%.2f", requests);
  }

  private static String row(String name, Result result, Result curator, String target) {
    StringBuilder windows = new StringBuilder();
    for (double ops : result.windowOps()) {
      windows.append(windows.length() == 0 ? "" : " / ").append(Math.round(ops));
    }
    return String.format(
        Locale.ROOT,
        "| %s | %.0f | %s | %.2f | %.2f | %s | %s | %s | %d / %d | %d |",
        name,
        result.opsPerSecond(),
        windows,
        result.p50Millis(),
        result.p99Millis(),
        perCycle(result.requestsPerCycle()),
        curator == null
            ? ""
            : String.format(Locale.ROOT, "%.2fx", result.opsPerSecond() / curator.opsPerSecond()),
        target,
        result.errors(),
        result.violations(),
        result.longestRun());
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
