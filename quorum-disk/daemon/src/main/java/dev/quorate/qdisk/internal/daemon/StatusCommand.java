package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.QuorateException;
import dev.quorate.lock.internal.json.Json;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Reads every disk twice, one and a half intervals apart, read-only, and reports which nodes
 * heartbeat, the one master, and the cluster's health as the exit code.
 */
@Command(
    name = "status",
    description = "Show disks, nodes and the master, read-only; the exit code tells the health.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:healthy: every disk readable, a master heartbeats, no running node is silent",
      "1:degraded: the disk vote holds, but a disk fails or a running node is silent",
      "2:no quorum-disk vote: no master heartbeats on a majority of disks",
      "3:invalid configuration"
    })
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DiskOptions where;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<Path> paths = where.paths();
    String cluster = where.clusterOrNull();
    List<BlockDevice> devices = DiskOptions.openReadOnly(paths);
    try {
      ClusterView view = observe(devices, cluster);
      var out = spec.commandLine().getOut();
      out.print(json ? Json.write(view.toMap()) + System.lineSeparator() : view.toText());
      out.flush();
      return view.health().exitCode();
    } finally {
      DiskOptions.closeAll(devices);
    }
  }

  /**
   * Reads every disk twice, one and a half intervals apart (the daemons' own test of "the sequence
   * changed"), and judges what was read.
   */
  static ClusterView observe(List<BlockDevice> devices, String cluster)
      throws InterruptedException {
    List<String> names = devices.stream().map(BlockDevice::name).toList();
    List<Optional<String>> problems = new ArrayList<>();
    List<Optional<DiskSnapshot>> first = read(devices, cluster, problems);
    Thread.sleep(interval(first).toMillis() * 3 / 2); // the sampling gap, not a synchronisation
    problems.clear();
    List<Optional<DiskSnapshot>> second = read(devices, cluster, problems);
    return ClusterView.judge(names, first, second, problems);
  }

  private static List<Optional<DiskSnapshot>> read(
      List<BlockDevice> devices, String cluster, List<Optional<String>> problems) {
    List<Optional<DiskSnapshot>> out = new ArrayList<>();
    for (BlockDevice d : devices) {
      try {
        DiskSnapshot s = DiskSnapshot.read(d);
        if (cluster != null && !cluster.equals(s.header().clusterName())) {
          throw new QuorateException(
              dev.quorate.lock.ErrorCode.CORRUPT_DATA,
              "belongs to cluster '" + s.header().clusterName() + "', not '" + cluster + "'");
        }
        out.add(Optional.of(s));
        problems.add(Optional.empty());
      } catch (IOException | QuorateException e) {
        out.add(Optional.empty());
        problems.add(Optional.of(e.getMessage()));
      }
    }
    return out;
  }

  private static Duration interval(List<Optional<DiskSnapshot>> reads) {
    return reads.stream()
        .flatMap(Optional::stream)
        .map(s -> s.header().timing().interval())
        .findFirst()
        .orElse(Duration.ZERO);
  }
}
