package dev.quorate.samples.failover;

import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.PlugMapping;
import dev.quorate.fence.TargetPolicy;
import dev.quorate.fence.TopologyFenceGuard;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.NoQuorumPolicy;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.ZkLockManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster manager of one simulated physical host, run as its own process so that killing the
 * host is a real {@code kill -9}. It is built from Quorate's parts:
 *
 * <ul>
 *   <li>membership from the quorum disk: the members present are this host and every peer whose
 *       heartbeat slot the disk engine sees as UP (the disk is the one channel both hosts share,
 *       and its engine already times liveness on this host's own clock);
 *   <li>quorum from a {@link QuorumService}: one vote per host plus one for the quorum disk's
 *       master, so a lone survivor holding the disk master has 2 of 3 votes (the disk breaks the
 *       tie of a two-host cluster);
 *   <li>one ZooKeeper lock per VM ({@link ZkLockManager} on the lock server), granted only with
 *       quorum ({@link QuorumGate}); held leases are kept while quorum is briefly lost ({@link
 *       NoQuorumPolicy#FREEZE}): the disks reject stale tokens anyway;
 *   <li>fencing with the {@link TopologyFenceGuard} in front of a {@link Fencer} that runs the
 *       power switch program through the fence-agents exec adapter.
 * </ul>
 *
 * <p>It reads commands on stdin ({@code start <vm>}, {@code take <vm>}, {@code unfence <host>},
 * {@code migrate-out <vm>}, {@code migrate-in <vm>}, {@code send <vm> <socket>}, {@code quit}) and
 * prints {@link AgentEvent} lines on stdout.
 */
public final class HostAgent {
  static final String CLUSTER = "quorate-demo";

  private HostAgent() {}

  /**
   * Runs the host's cluster manager until {@code quit} or the end of stdin.
   *
   * @param args see {@link HostConfig#toArgs()}
   * @throws Exception if the manager cannot start
   */
  public static void main(String[] args) throws Exception {
    HostConfig config = HostConfig.parse(args);
    Emitter out = new Emitter(System.out);
    try {
      run(config, out);
    } catch (Exception | Error e) {
      out.emit("error", config.host() + "'s cluster manager failed: " + e);
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
    // ZooKeeper and Curator keep non-daemon threads; the manager is done.
    System.exit(0);
  }

  private static void run(HostConfig config, Emitter out) throws Exception {
    Topology.Builder members = Topology.builder();
    // Physical/physical: each member is a host of its own, named like it.
    config.members().forEach((name, id) -> members.member(id, 1, name));
    Topology topology = members.build();

    AtomicReference<QuorumService> quorumRef = new AtomicReference<>();
    ScheduledExecutorService membership =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "membership-" + config.host());
              t.setDaemon(true);
              return t;
            });
    AtomicReference<QuorumDisk> diskRef = new AtomicReference<>();
    AtomicReference<ClusterManager> managerRef = new AtomicReference<>();
    Runnable updateMembership =
        () -> {
          QuorumService quorum = quorumRef.get();
          QuorumDisk disk = diskRef.get();
          if (quorum != null && disk != null) {
            try {
              quorum.update(present(config, disk));
            } catch (QuorateException e) {
              if (e.code() != ErrorCode.CLOSED) {
                throw e;
              }
              // Shutting down: the last heartbeats need no quorum any more.
            }
          }
        };
    QuorumDisk disk =
        QuorumDisk.builder(config.id(), CLUSTER)
            // Over the host's link: a host cut off from the network loses the disk too.
            .disk(NbdDisk.open(config.nbd(), DemoCluster.QUORUM_DISK, Duration.ofSeconds(1)))
            .selfFence(
                SelfFence.callback(
                    reason -> {
                      // A real host's watchdog reboots it: its guests die with it.
                      ClusterManager manager = managerRef.get();
                      List<String> killed = manager == null ? List.of() : manager.selfFence();
                      out.emit(
                          "self-fence",
                          config.host()
                              + " fences itself: "
                              + reason
                              + "; its guests die with it"
                              + (killed.isEmpty()
                                  ? ""
                                  : ": " + String.join(", ", killed) + " killed")
                              + ", its cluster manager halts");
                      Runtime.getRuntime().halt(70);
                    }))
            .listener(
                event -> {
                  try {
                    membership.execute(updateMembership);
                  } catch (RejectedExecutionException e) {
                    // Shutting down: the last heartbeats need no quorum any more.
                  }
                  AgentReports.diskEvent(config, out, event);
                  ClusterManager manager = managerRef.get();
                  if (manager != null && event.kind() == QuorumDiskEvent.Kind.NODE_STOPPED) {
                    config.nameOf(MemberId.of(event.nodeId())).ifPresent(manager::leftCleanly);
                  }
                })
            .build();
    diskRef.set(disk);

    QuorumPolicy policy =
        QuorumPolicy.builder(topology).voteSource(disk.voteSource("qdisk", 1)).build();
    QuorumService quorum =
        QuorumService.builder(policy, config.self()).noQuorumPolicy(NoQuorumPolicy.FREEZE).build();
    quorumRef.set(quorum);

    ZkLockManager zk =
        ZkLockManager.builder()
            .connectString(config.zk())
            .sessionTimeout(DemoTiming.ZK_SESSION)
            .connectionTimeout(DemoTiming.ZK_SESSION)
            .build();
    LockManager locks = QuorumGate.requireQuorum(zk, quorum);

    TopologyFenceGuard guard = guard(config, policy, quorum, disk);
    PowerSwitch power = PowerSwitch.in(config.work());
    // The inventory entry, quorum view and shared fence history that `bin/quorate status` reads.
    ClusterPublication published = ClusterPublication.open(config, quorum);
    Fencer fencer =
        Fencer.builder(fenceTopology(config, power), power.agents(), AgentReports.guard(guard, out))
            .coordinator(published.fenceCoordinator())
            .deadline(Duration.ofSeconds(15))
            .maxAttempts(2)
            .retryPause(Duration.ofMillis(200))
            .build();

    DemoGuest guest = DemoGuest.locate(config.guest());
    try {
      ClusterManager manager =
          new ClusterManager(
              config,
              out,
              locks,
              fencer,
              new VmRunner(config.host(), config.work(), config.nbd(), guest, power, out));
      managerRef.set(manager);
      quorum.addListener(manager::onQuorum);
      disk.start();
      // After every heartbeat: an event may arrive before the status that explains it is
      // published, so the membership is also read once per interval.
      long interval = DemoTiming.DISK.interval().toMillis();
      membership.scheduleWithFixedDelay(updateMembership, 0, interval, TimeUnit.MILLISECONDS);
      out.emit(
          "ready",
          config.host()
              + ": cluster manager up ("
              + zk.mechanism().kind()
              + " lock manager on "
              + zk.mechanism().detail()
              + "; quorum disk slot "
              + config.id()
              + ")",
          "pid",
          Long.toString(ProcessHandle.current().pid()));
      commands(config, manager);
      manager.shutdown();
    } finally {
      membership.shutdownNow();
      published.close();
      disk.close();
      quorum.close();
      locks.close();
    }
  }

  private static void commands(HostConfig config, ClusterManager manager) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split(" +");
      switch (words[0]) {
        case "start" -> manager.start(words[1], Duration.ofSeconds(10));
        // A switchover: wait for the holder's blocking callback to hand the VM over.
        case "take" -> manager.start(words[1], Duration.ofSeconds(20));
        case "unfence" -> manager.unfence(words[1]);
        // A live migration: the source hands the lock over, the destination receives the guest.
        case "migrate-out" -> manager.migrateOut(words[1]);
        case "migrate-in" -> manager.migrateIn(words[1], Duration.ofSeconds(20));
        case "send" -> manager.send(words[1], Path.of(words[2]));
        case "quit" -> {
          return;
        }
        default -> System.err.println(config.host() + ": unknown command '" + line + "'");
      }
    }
  }

  /** This host, and every peer whose heartbeat the quorum disk sees advancing. */
  private static Set<MemberId> present(HostConfig config, QuorumDisk disk) {
    Set<MemberId> present = new TreeSet<>();
    present.add(config.self());
    for (NodeStatus node : disk.status().nodes()) {
      MemberId id = MemberId.of(node.nodeId());
      if (node.liveness() == NodeLiveness.UP && config.nameOf(id).isPresent()) {
        present.add(id);
      }
    }
    return present;
  }

  private static TopologyFenceGuard guard(
      HostConfig config, QuorumPolicy policy, QuorumService quorum, QuorumDisk disk) {
    var builder =
        TopologyFenceGuard.builder(policy, quorum::state)
            .livenessSource(disk.livenessSource())
            .livenessWindow(DemoTiming.LIVENESS_WINDOW);
    config.members().forEach(builder::member);
    // Physical/physical: the members are the hosts, and no other cluster runs on them.
    return builder.dedicatedHosts().build();
  }

  private static FenceTopology fenceTopology(HostConfig config, PowerSwitch power) {
    FenceTopology.Builder topology = FenceTopology.builder();
    for (String member : config.members().keySet()) {
      // One outlet group per host: the device declares the one host it powers.
      String device = "power-switch-" + member;
      topology.device(
          power.device(device, FenceScope.HOST, PlugMapping.staticList(Set.of(member)), member));
      topology.level(member, FenceLevel.of(1, device));
    }
    // The preferred host should win a fence race: whoever shoots it waits first.
    topology.policy(
        config.preferred(),
        new TargetPolicy(DemoTiming.FENCE_DELAY, Duration.ZERO, Duration.ZERO, Duration.ZERO));
    return topology.build();
  }
}
