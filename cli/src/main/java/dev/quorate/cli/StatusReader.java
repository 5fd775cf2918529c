package dev.quorate.cli;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.InventoryView;
import dev.quorate.zk.ZkFenceCoordinator;
import dev.quorate.zk.ZkHostInventory;
import dev.quorate.zk.ZkMembership;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;

/**
 * Reads one {@link Status} from the ensemble through lock-zk's public readers: the host inventory
 * (occupants, live sessions, cluster views), ZkMembership's registrations, every cluster's fence
 * history, the arbiter's witness, and a quorum disk if one is given. Nothing is written.
 */
final class StatusReader {
  private final Ensemble ensemble;
  private final Ensemble witness;
  private final ReadOptions options;
  private final Duration readTimeout;
  private final QuorumDiskWatch quorumDisk;

  /**
   * Creates a reader.
   *
   * @param ensemble the ensemble the clusters publish on
   * @param witness the arbiter's witness (may be {@code ensemble})
   * @param options where to read
   * @param readTimeout the bound of each inventory read
   */
  StatusReader(Ensemble ensemble, Ensemble witness, ReadOptions options, Duration readTimeout) {
    this.ensemble = ensemble;
    this.witness = witness;
    this.options = options;
    this.readTimeout = readTimeout;
    this.quorumDisk = options.quorumDisk == null ? null : new QuorumDiskWatch(options.quorumDisk);
  }

  /**
   * Reads everything once.
   *
   * @return the status
   * @throws CommandFailure if the ensemble cannot be read, or {@code --cluster} names no cluster
   * @throws InterruptedException if interrupted
   */
  Status read() throws InterruptedException {
    Instant readAt = Instant.now();
    try {
      return read(readAt);
    } catch (RuntimeException e) {
      throw Failures.translate(e, ensemble.connect());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw Failures.translate(e, ensemble.connect());
    }
  }

  private Status read(Instant readAt) throws Exception {
    CuratorFramework client = ensemble.client();
    List<String> problems = new ArrayList<>();
    InventoryView inventory = InventoryView.of(List.of(), List.of(), 0);
    Set<String> connected = Set.of();
    if (exists(client, options.inventoryPath.value)) {
      try (ZkHostInventory reader =
          ZkHostInventory.builder(client)
              .rootPath(options.inventoryPath.value)
              .readTimeout(readTimeout)
              .connectionTimeout(readTimeout)
              .build()) {
        inventory = reader.read();
        connected = reader.connected();
      }
    }
    Set<String> names = new TreeSet<>(inventory.clusters().keySet());
    inventory.occupants().forEach(o -> names.add(o.cluster()));
    if (options.cluster != null) {
      if (!names.contains(options.cluster)) {
        throw new CommandFailure(
            ExitCode.USAGE,
            "no cluster '"
                + options.cluster
                + "' in the host inventory at "
                + options.inventoryPath.value
                + "; clusters there: "
                + (names.isEmpty() ? "none" : String.join(", ", names)));
      }
      names.retainAll(Set.of(options.cluster));
    }
    List<Status.ClusterState> clusters = new ArrayList<>();
    for (String name : names) {
      clusters.add(
          ClusterHealth.judge(name, inventory.occupants(), connected, inventory.cluster(name)));
    }
    Optional<Status.MembershipState> membership = membership(client);
    Health health = Health.HEALTHY;
    for (Status.ClusterState c : clusters) {
      health = health.worse(c.health());
    }
    if (membership.isPresent()) {
      health = health.worse(membership.get().health());
    }
    if (clusters.isEmpty() && membership.isEmpty()) {
      health = Health.NO_QUORUM;
      problems.add(
          "nothing is published at "
              + options.inventoryPath.value
              + " (host inventory) or "
              + options.membersPath
              + " (membership): no cluster shows quorum");
    }
    StatusLocks.Read locks = StatusLocks.read(ensemble, options.lockPath.value, readTimeout);
    return new Status(
        ensemble.connect(),
        readAt,
        clusters,
        hosts(clusters),
        membership,
        arbiter(),
        quorumDisk == null ? Optional.empty() : Optional.of(quorumDisk.read()),
        fences(client, names),
        locks.locks(),
        locks.elections(),
        health,
        problems);
  }

  static boolean exists(CuratorFramework client, String path) throws Exception {
    return client.checkExists().forPath(path) != null;
  }

  private static List<Status.HostBox> hosts(List<Status.ClusterState> clusters) {
    Map<String, List<Status.MemberState>> byHost = new TreeMap<>();
    for (Status.ClusterState c : clusters) {
      for (Status.MemberState m : c.members()) {
        byHost.computeIfAbsent(m.host(), h -> new ArrayList<>()).add(m);
      }
    }
    List<Status.HostBox> hosts = new ArrayList<>();
    byHost.forEach((host, members) -> hosts.add(new Status.HostBox(host, members)));
    return hosts;
  }

  private Optional<Status.MembershipState> membership(CuratorFramework client)
      throws InterruptedException {
    List<ZkMembership.Registration> registered = ZkMembership.read(client, options.membersPath);
    if (registered.isEmpty()) {
      return Optional.empty();
    }
    long quorate = registered.stream().filter(ZkMembership.Registration::quorate).count();
    Health health =
        quorate == registered.size()
            ? Health.HEALTHY
            : quorate == 0 ? Health.NO_QUORUM : Health.DEGRADED;
    List<Status.Registered> members =
        registered.stream()
            .map(
                r ->
                    new Status.Registered(
                        r.member().id().value(),
                        r.member().votes(),
                        r.member().host(),
                        r.incarnation(),
                        r.quorate()))
            .toList();
    return Optional.of(new Status.MembershipState(options.membersPath, health, members));
  }

  private Optional<Status.ArbiterState> arbiter() throws Exception {
    if (!exists(witness.client(), options.arbiterPath)) {
      return Optional.empty();
    }
    return ArbiterReader.read(witness.client(), options.arbiterPath);
  }

  private List<Status.FenceEntry> fences(CuratorFramework client, Set<String> shown) {
    List<Status.FenceEntry> entries = new ArrayList<>();
    for (Map.Entry<String, FenceHistory> h :
        ZkFenceCoordinator.histories(client, options.fencePath.value).entrySet()) {
      if (options.cluster != null && !shown.contains(h.getKey())) {
        continue;
      }
      for (FenceRecord r : h.getValue().records()) {
        entries.add(new Status.FenceEntry(h.getKey(), r));
      }
    }
    entries.sort(Comparator.comparing((Status.FenceEntry e) -> e.record().requestedAt()));
    return List.copyOf(
        entries.subList(Math.max(0, entries.size() - options.fences), entries.size()));
  }
}
