package dev.quorate.cli;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.internal.json.Json;
import dev.quorate.zk.ZkFenceCoordinator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quorate fence}: the fence history every member shares, and an operator's confirmation. */
@Command(
    name = "fence",
    mixinStandardHelpOptions = true,
    description =
        "The clusters' shared fence history, and confirming by hand that a member is down.",
    subcommands = {FenceCommand.History.class, FenceConfirm.class, CommandLine.HelpCommand.class})
final class FenceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("quorate fence: name a command (history, confirm)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  /**
   * Opens the fence histories under the root, keeping one cluster's if {@code cluster} is given.
   *
   * @param ensemble the connection
   * @param fencePath the coordinators' root
   * @param cluster the cluster, or null for all
   * @return cluster to history
   * @throws CommandFailure with {@link ExitCode#USAGE} if the cluster has no history
   */
  static SortedMap<String, FenceHistory> histories(
      Ensemble ensemble, String fencePath, String cluster) {
    SortedMap<String, FenceHistory> all;
    try {
      all = ZkFenceCoordinator.histories(ensemble.client(), fencePath);
    } catch (RuntimeException e) {
      throw Failures.translate(e, ensemble.connect());
    }
    if (cluster == null) {
      return all;
    }
    if (!all.containsKey(cluster)) {
      throw new CommandFailure(
          ExitCode.USAGE,
          "cluster '"
              + cluster
              + "' has no fence history under "
              + fencePath
              + "/clusters; clusters with one: "
              + (all.isEmpty() ? "none" : String.join(", ", all.keySet())));
    }
    return new java.util.TreeMap<>(Map.of(cluster, all.get(cluster)));
  }

  /** {@code quorate fence history}. */
  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "Every recorded fence, refusal and confirmation, oldest first.")
  static final class History implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin EnsembleOptions ensembleOptions;

    @Option(names = "--cluster", paramLabel = "NAME", description = "only this cluster's history")
    String cluster;

    @Option(names = "--target", paramLabel = "NAME", description = "only records of this target")
    String target;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "only the newest N records (default: all)")
    int limit = Integer.MAX_VALUE;

    @Mixin FencePath fencePath;

    @Option(names = "--json", description = "print a JSON array (schema in docs/cli.md)")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
      List<Status.FenceEntry> entries = new ArrayList<>();
      try (Ensemble ensemble = Ensemble.open(ensembleOptions.resolve(System.getenv()))) {
        for (Map.Entry<String, FenceHistory> h :
            histories(ensemble, fencePath.value, cluster).entrySet()) {
          List<FenceRecord> records;
          try {
            records = h.getValue().records();
          } catch (RuntimeException e) {
            throw Failures.translate(e, ensemble.connect());
          }
          records.stream()
              .filter(r -> target == null || r.target().equals(target))
              .forEach(r -> entries.add(new Status.FenceEntry(h.getKey(), r)));
        }
      }
      entries.sort(Comparator.comparing((Status.FenceEntry e) -> e.record().requestedAt()));
      List<Status.FenceEntry> shown =
          entries.subList(Math.max(0, entries.size() - Math.max(limit, 0)), entries.size());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(
            Json.writeForPages(
                shown.stream().map(e -> StatusJson.fence(e.cluster(), e.record())).toList()));
      } else if (shown.isEmpty()) {
        out.println("no fence recorded");
      } else {
        shown.forEach(e -> out.println(StatusText.fence(e.cluster(), e.record())));
      }
      out.flush();
      return ExitCode.HEALTHY;
    }
  }
}
