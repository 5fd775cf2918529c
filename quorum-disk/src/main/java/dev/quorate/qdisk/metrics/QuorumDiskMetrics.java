package dev.quorate.qdisk.metrics;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.QuorumDiskStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Measures a {@link QuorumDisk} into a Micrometer {@link MeterRegistry}, with the names the
 * quorum-disk daemon's {@code /metrics} has always had (docs/operations.md lists them): the local
 * node's state (no label: the scrape target names it), each peer's (label {@code node}) and each
 * disk's (label {@code disk}). A state is a value, never a label, so a peer's series stays one
 * series when it goes down. Micrometer is an optional dependency: add {@code
 * io.micrometer:micrometer-core} to use this class.
 *
 * <pre>{@code
 * QuorumDiskMetrics metrics = QuorumDiskMetrics.create(registry, 1);
 * QuorumDisk qdisk = QuorumDisk.builder(1, "cluster")
 *     .disk(QuorumDiskMetrics.timed(BlockDevice.open(path), registry))
 *     .listener(metrics.listener())
 *     .build();
 * metrics.bind(qdisk);
 * }</pre>
 */
public final class QuorumDiskMetrics {
  private final MeterRegistry registry;
  private final int votes;
  private final Map<Integer, AtomicLong> restarts = new ConcurrentHashMap<>();
  private final Set<Integer> peersRegistered = ConcurrentHashMap.newKeySet();
  private volatile QuorumDisk qdisk;

  private QuorumDiskMetrics(MeterRegistry registry, int votes) {
    this.registry = registry;
    this.votes = votes;
  }

  /**
   * Creates the meters' owner; give its {@link #listener()} to the quorum disk's builder, then
   * {@link #bind} the built disk.
   *
   * @param registry where the meters go
   * @param votes the votes the disk gives the master's partition
   * @return the metrics, not yet bound
   * @throws NullPointerException if {@code registry} is null
   * @throws IllegalArgumentException if {@code votes} is negative
   */
  public static QuorumDiskMetrics create(MeterRegistry registry, int votes) {
    Objects.requireNonNull(registry, "registry");
    if (votes < 0) {
      throw new IllegalArgumentException("votes must not be negative, got " + votes);
    }
    return new QuorumDiskMetrics(registry, votes);
  }

  /**
   * Returns {@code device} with every read and write timed: {@code qdisk_io_seconds} (timer; {@code
   * disk}, {@code op} = {@code read} or {@code write}, {@code outcome} = {@code ok} or {@code
   * error}).
   *
   * @param device the device
   * @param registry where the timer goes
   * @return the timed device; closing it closes {@code device}
   * @throws NullPointerException if an argument is null
   */
  public static BlockDevice timed(BlockDevice device, MeterRegistry registry) {
    return new TimedBlockDevice(
        Objects.requireNonNull(device, "device"), Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Returns the listener that counts what the status does not keep (peers' restarts) and registers
   * the meters of peers as they appear.
   *
   * @return the listener for {@code QuorumDiskBuilder.listener}
   */
  public Consumer<QuorumDiskEvent> listener() {
    return event -> {
      if (event.kind() == QuorumDiskEvent.Kind.NODE_RESTARTED) {
        restarts.computeIfAbsent(event.nodeId(), n -> new AtomicLong()).incrementAndGet();
      }
      QuorumDisk bound = qdisk;
      if (bound != null) {
        registerPeers(bound.status());
      }
    };
  }

  /**
   * Registers the meters of {@code disk}: the local node's and every disk's at once, each peer's
   * once it has been seen.
   *
   * @param disk the built quorum disk
   * @throws NullPointerException if {@code disk} is null
   * @throws IllegalStateException if already bound
   */
  public void bind(QuorumDisk disk) {
    Objects.requireNonNull(disk, "disk");
    if (qdisk != null) {
      throw new IllegalStateException("already bound to " + qdisk);
    }
    qdisk = disk;
    local(
        "qdisk.master.node",
        "node id of the master this node recognises, 0 none",
        s -> s.master().orElse(0));
    local(
        "qdisk.votes",
        "votes the disk gives this node's partition",
        s -> s.master().isPresent() ? votes : 0);
    local("qdisk.term", "highest master term seen", QuorumDiskStatus::term);
    local(
        "qdisk.incarnation",
        "this node's incarnation, raised on every start",
        QuorumDiskStatus::incarnation);
    local("qdisk.fenced", "1 once this node has fenced itself", s -> s.fenced() ? 1 : 0);
    localCount("qdisk.heartbeats", "heartbeats run", QuorumDiskStatus::heartbeats);
    localCount(
        "qdisk.renewals",
        "heartbeats that renewed on a majority of disks",
        s -> s.heartbeats() - s.ownMisses());
    localCount(
        "qdisk.renewal.failures",
        "heartbeats that did not renew on a majority of disks",
        QuorumDiskStatus::ownMisses);
    for (DiskHealth d : disk.status().disks()) {
      new DiskMeters(registry, disk, d.name()).register();
    }
    registerPeers(disk.status());
  }

  private void registerPeers(QuorumDiskStatus status) {
    for (NodeStatus n : status.nodes()) {
      if (n.incarnation() > 0 && peersRegistered.add(n.nodeId())) {
        String id = Integer.toString(n.nodeId());
        peer(
            id,
            "qdisk.peer.up",
            "1 if the peer heartbeats (UP), else 0",
            p -> p.liveness() == NodeLiveness.UP ? 1 : 0);
        peer(
            id,
            "qdisk.peer.incarnation",
            "the peer's incarnation last seen",
            NodeStatus::incarnation);
        AtomicLong seen = restarts.computeIfAbsent(n.nodeId(), k -> new AtomicLong());
        FunctionCounter.builder("qdisk.peer.restarts", seen, AtomicLong::get)
            .description("new incarnations of the peer seen")
            .tag("node", id)
            .register(registry);
        peerCount(
            id,
            "qdisk.peer.missed.heartbeats",
            "heartbeats without a change of the peer",
            NodeStatus::totalMisses);
        peerCount(
            id,
            "qdisk.peer.corrupt.reads",
            "reads of the peer's slot that failed checks",
            NodeStatus::corruptReads);
        peerCount(
            id,
            "qdisk.peer.undead.writes",
            "writes by the peer after it was declared DOWN in the same incarnation",
            NodeStatus::undeadWrites);
      }
    }
  }

  private void local(String name, String help, ToDoubleFunction<QuorumDiskStatus> value) {
    QuorumDisk disk = qdisk;
    Gauge.builder(name, disk, q -> value.applyAsDouble(q.status()))
        .description(help)
        .strongReference(true)
        .register(registry);
  }

  private void localCount(String name, String help, ToDoubleFunction<QuorumDiskStatus> value) {
    QuorumDisk disk = qdisk;
    FunctionCounter.builder(name, disk, q -> value.applyAsDouble(q.status()))
        .description(help)
        .register(registry);
  }

  private void peer(String id, String name, String help, ToDoubleFunction<NodeStatus> value) {
    QuorumDisk disk = qdisk;
    Gauge.builder(name, disk, q -> node(q, id).map(value::applyAsDouble).orElse(Double.NaN))
        .description(help)
        .tag("node", id)
        .strongReference(true)
        .register(registry);
  }

  private void peerCount(String id, String name, String help, ToDoubleFunction<NodeStatus> value) {
    QuorumDisk disk = qdisk;
    FunctionCounter.builder(name, disk, q -> node(q, id).map(value::applyAsDouble).orElse(0.0))
        .description(help)
        .tag("node", id)
        .register(registry);
  }

  private static Optional<NodeStatus> node(QuorumDisk disk, String id) {
    int nodeId = Integer.parseInt(id);
    return disk.status().nodes().stream().filter(n -> n.nodeId() == nodeId).findFirst();
  }
}
