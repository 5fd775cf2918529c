package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Three quorum-disk daemons (the quorum-disk/daemon module, each its own JVM) on three disk files.
 * Timing is 2.5 times DaemonClusterIT's (500 ms interval, tko 10) so that a loaded machine does not
 * look like a failed node.
 */
final class QdiskCluster {
  static final String MAIN = "dev.quorate.qdisk.internal.daemon.QdiskCommand";
  static final int NODES = 3;
  static final int SLOTS = 4;
  static final long INTERVAL_MILLIS = 500;
  static final int TKO = 10;
  static final int SELF_FENCE_EXIT = 70;

  private final ChildProcesses processes;
  private final Path dir;
  private final List<Path> disks;
  private final Map<Integer, Process> daemons = new HashMap<>();

  private QdiskCluster(ChildProcesses processes, Path dir, List<Path> disks) {
    this.processes = processes;
    this.dir = dir;
    this.disks = disks;
  }

  /** Formats {@code count} disk files with the daemon's own {@code format} command. */
  static QdiskCluster format(ChildProcesses processes, Path dir, int count) throws Exception {
    List<Path> disks = new ArrayList<>();
    List<String> args =
        new ArrayList<>(
            List.of(
                "format",
                "--cluster",
                "chaos",
                "--slots",
                Integer.toString(SLOTS),
                "--interval",
                INTERVAL_MILLIS + "ms",
                "--tko",
                Integer.toString(TKO),
                "--io-timeout",
                "375ms",
                "--renewal-deadline",
                "3000ms",
                "--msgwait",
                "4000ms"));
    for (int i = 0; i < count; i++) {
      Path f = dir.resolve("disk" + i + ".img");
      Files.write(f, new byte[(1 + 2 * SLOTS) * 4096]);
      disks.add(f);
      args.add("-d");
      args.add(f.toString());
    }
    Process p = processes.java(List.of("-Xmx64m"), MAIN, args, dir.resolve("format.out"));
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("qdisk format failed, see " + dir.resolve("format.out"));
    }
    return new QdiskCluster(processes, dir, disks);
  }

  List<Path> disks() {
    return disks;
  }

  void start(int node) throws IOException {
    Path cfg = dir.resolve("node" + node + ".properties");
    Files.write(
        cfg,
        List.of(
            "cluster.name=chaos",
            "node.id=" + node,
            "disks=" + String.join(",", disks.stream().map(Path::toString).toList()),
            "self-fence=exit",
            "self-fence.exit-code=" + SELF_FENCE_EXIT,
            "tenure.log=" + eventLog(node)));
    daemons.put(
        node,
        processes.java(
            List.of("-Xmx64m"),
            MAIN,
            List.of("run", "-c", cfg.toString()),
            dir.resolve("node" + node + ".out")));
  }

  Process process(int node) {
    return daemons.get(node);
  }

  Path eventLog(int node) {
    return dir.resolve("node" + node + ".events");
  }

  List<QdiskEvent> events(int node) throws IOException {
    Path log = eventLog(node);
    if (!Files.exists(log)) {
      return List.of();
    }
    List<QdiskEvent> out = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      QdiskEvent.parse(line).ifPresent(out::add);
    }
    return out;
  }

  /** The master every running daemon names in its latest MASTER_CHANGED, if they agree. */
  Optional<Integer> agreedMaster() throws IOException {
    Integer agreed = null;
    for (int n = 1; n <= NODES; n++) {
      Process p = daemons.get(n);
      if (p == null || !p.isAlive()) {
        continue;
      }
      Integer last = null;
      for (QdiskEvent e : events(n)) {
        if (e.kind().equals("MASTER_CHANGED")) {
          last = e.node();
        }
      }
      if (last == null || last == 0 || (agreed != null && !agreed.equals(last))) {
        return Optional.empty();
      }
      agreed = last;
    }
    return Optional.ofNullable(agreed);
  }

  void stopAll() throws InterruptedException {
    for (Process p : daemons.values()) {
      p.destroy(); // SIGTERM: the daemon marks its slot STOPPED
    }
    for (Process p : daemons.values()) {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        ChildProcesses.killNow(p);
      }
    }
  }
}
