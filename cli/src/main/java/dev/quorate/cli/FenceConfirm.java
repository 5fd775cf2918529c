package dev.quorate.cli;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.InventoryView;
import dev.quorate.fence.Occupant;
import dev.quorate.lock.internal.json.Json;
import dev.quorate.zk.ZkHostInventory;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quorate fence confirm}: records in the cluster's shared fence history that an operator
 * made sure by hand that a member is down, as Pacemaker's {@code stonith_admin --confirm}. The
 * record opens every member's recovery gate for the target's locks, so a false one is as dangerous
 * as a wrong fence: it is refused for a member whose ZooKeeper session lives, and for a name that
 * is neither a member of the cluster nor a target in its history (a typo would open nothing and
 * leave the operator believing otherwise).
 */
@Command(
    name = "confirm",
    mixinStandardHelpOptions = true,
    description = {
      "Record that TARGET is down (powered off, unplugged, its VM destroyed): opens the recovery"
          + " gate of its locks on every member. Refused while TARGET's session lives."
    })
final class FenceConfirm implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EnsembleOptions ensembleOptions;

  @Parameters(index = "0", paramLabel = "TARGET", description = "the member confirmed down")
  String target;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "NAME",
      description = "the target's cluster")
  String cluster;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "what you checked, for the history")
  String reason;

  @Option(
      names = "--operator",
      paramLabel = "NAME",
      description = "who confirms, recorded as the requester (default: the login name)")
  String operator = System.getProperty("user.name");

  @Mixin FencePath fencePath;

  @Mixin InventoryPath inventoryPath;

  @Option(names = "--json", description = "print the appended record as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (reason.isBlank() || operator == null || operator.isBlank()) {
      throw new CommandFailure(
          ExitCode.USAGE, "--reason and --operator must not be blank: the history keeps them");
    }
    EnsembleSettings settings = ensembleOptions.resolve(System.getenv());
    FenceRecord record;
    try (Ensemble ensemble = Ensemble.open(settings)) {
      FenceHistory history =
          FenceCommand.histories(ensemble, fencePath.value, cluster).get(cluster);
      try {
        check(ensemble, history, settings.timeout());
        record = FenceRecord.confirmation(Instant.now(), target, operator.strip(), reason.strip());
        history.append(record);
      } catch (RuntimeException e) {
        throw Failures.translate(e, ensemble.connect());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        json
            ? Json.writeForPages(StatusJson.fence(cluster, record))
            : "recorded: " + StatusText.fence(cluster, record));
    out.flush();
    return ExitCode.HEALTHY;
  }

  /** The safety rules: a known target, and not a live one. */
  private void check(Ensemble ensemble, FenceHistory history, Duration timeout) throws Exception {
    Set<String> known = new TreeSet<>();
    history.records().forEach(r -> known.add(r.target()));
    if (StatusReader.exists(ensemble.client(), inventoryPath.value)) {
      try (ZkHostInventory inventory =
          ZkHostInventory.builder(ensemble.client())
              .rootPath(inventoryPath.value)
              .readTimeout(timeout)
              .connectionTimeout(timeout)
              .build()) {
        InventoryView view = inventory.read();
        Set<String> connected = inventory.connected();
        for (Occupant o : view.occupants()) {
          if (!o.cluster().equals(cluster)) {
            continue;
          }
          known.add(o.member());
          if (o.member().equals(target) && connected.contains(o.qualifiedName())) {
            throw new CommandFailure(
                ExitCode.REFUSED,
                "refused: "
                    + o.qualifiedName()
                    + " is not down: its ZooKeeper session lives (the host inventory at "
                    + inventoryPath.value
                    + " shows it connected, on "
                    + o.host()
                    + "). Fence it, or stop it and confirm again once its session has ended");
          }
        }
      }
    }
    if (!known.contains(target)) {
      throw new CommandFailure(
          ExitCode.USAGE,
          "'"
              + target
              + "' is neither a member of cluster "
              + cluster
              + " in the host inventory nor a target in its fence history; known: "
              + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
  }
}
