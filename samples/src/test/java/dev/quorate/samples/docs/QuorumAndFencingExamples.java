package dev.quorate.samples.docs;

import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceCoordinator;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceRecoveryGate;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.ForeignCollateral;
import dev.quorate.fence.HostInventory;
import dev.quorate.fence.LivenessSource;
import dev.quorate.fence.PlacementSource;
import dev.quorate.fence.TopologyFenceGuard;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.RecoveryGate;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.NoQuorumPolicy;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.TieBreaker;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.ZkFenceCoordinator;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;

/** The examples of docs/quorum.md and docs/fencing.md; {@code DocExamplesTest} runs them. */
final class QuorumAndFencingExamples {
  private QuorumAndFencingExamples() {}

  /** docs/quorum.md, "The pieces": a 2:2 split of four members with auto_tie_breaker. */
  static QuorumService fourHypervisorsSplitInHalf() {
    Topology topology =
        Topology.builder()
            .member(1, 1, "hv-1")
            .member(2, 1, "hv-2")
            .member(3, 1, "hv-3")
            .member(4, 1, "hv-4")
            .build();
    QuorumPolicy policy =
        QuorumPolicy.builder(topology).autoTieBreaker(TieBreaker.lowest()).build();
    QuorumService quorum =
        QuorumService.builder(policy, MemberId.of(1)).noQuorumPolicy(NoQuorumPolicy.STOP).build();
    LockManager locks = QuorumGate.requireQuorum(LockManager.inProcess(), quorum);
    quorum.update(
        Set.of(MemberId.of(1), MemberId.of(2), MemberId.of(3), MemberId.of(4))); // all met
    quorum.update(
        Set.of(MemberId.of(1), MemberId.of(2))); // a 2:2 split; member 1's half keeps quorum
    locks.close();
    return quorum;
  }

  /** docs/fencing.md, "The rule": the guard in front of a fencer. */
  static Fencer guardedFencer(
      QuorumService quorum, LivenessSource qdisk, FenceTopology fenceTopology) {
    TopologyFenceGuard guard =
        TopologyFenceGuard.builder(
                quorum.policy(), quorum::state) // QuorumService supplies the state
            .member("node-a", 1)
            .member("node-b", 2)
            .member("node-c", 3)
            .livenessSource(qdisk) // quorum disk heartbeats, on the same monotonic clock
            .deviceProxy("ipmi-h1", "mgmt-1") // where the agent acts from, if not the requester
            .stormBrakePercent(50)
            .dedicatedHosts() // no other cluster on these hosts; else inventory(...)
            .build();
    Fencer fencer = Fencer.builder(fenceTopology, FenceAgents.load(), guard).build();
    return fencer;
  }

  /** docs/fencing.md, "The guard in a real data center": cluster 1 of a passive node appliance. */
  static Fencer dataCenterFencer(
      QuorumService quorum, HostInventory inventory, FenceCoordinator coordinator) {
    TopologyFenceGuard guard =
        TopologyFenceGuard.builder(quorum.policy(), quorum::state)
            .member("db-active", 1)
            .member("db-standby", 2) // a VM on the appliance, beside other clusters' standbys
            .placement(
                PlacementSource.command(
                    List.of("/usr/local/bin/vm-placement"), Duration.ofSeconds(5)))
            .inventory("cluster-1", inventory) // every cluster publishes its members' hosts
            .foreignCollateral(ForeignCollateral.REFUSE) // the default
            .build();
    FenceTopology fencing =
        FenceTopology.builder()
            .device(FenceDevice.builder("virsh-appliance", "fence_virsh").build())
            .device(
                FenceDevice.builder("pdu-appliance", "fence_apc")
                    .scope(FenceScope.HOST)
                    .hosts("appliance") // K(H) is counted on the host the outlet powers
                    .build())
            .level("db-standby", FenceLevel.of(1, "virsh-appliance"))
            .level("db-standby", FenceLevel.of(2, "pdu-appliance"))
            .build();
    Fencer fencer =
        Fencer.builder(fencing, FenceAgents.load(), guard).coordinator(coordinator).build();
    return fencer;
  }

  /** docs/fencing.md, "Coordination on ZooKeeper". */
  static ZkFenceCoordinator zooKeeperCoordinator(CuratorFramework curator)
      throws InterruptedException {
    ZkFenceCoordinator coordinator =
        ZkFenceCoordinator.builder(curator, "cluster-1", "db-active") // cluster, this member
            .abandonAfter(Duration.ofMinutes(5)) // see "a fencer that crashed mid-fence"
            .build();
    return coordinator;
  }

  /** docs/fencing.md, "No recovery before the fence": the gate on a lock's options. */
  static Lease recoveryGated(Fencer fencer) throws InterruptedException {
    RecoveryGate gate =
        FenceRecoveryGate.of(fencer.history())
            .withSelfFenceDeadline(Duration.ofSeconds(40)); // session timeout + watchdog timeout
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    ZkLockManager manager =
        ZkLockManager.builder()
            .connectString("zk1:2181,zk2:2181,zk3:2181")
            .member("node-a") // or quorate.lock.zookeeper.member=node-a
            .build();
    Lease lease = manager.lock("vm/web-1", options).acquire(LockMode.EX);
    return lease;
  }
}
