package dev.quorate.samples.docs;

import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.Occupant;
import dev.quorate.fence.PlugMapping;
import dev.quorate.fence.Secret;
import dev.quorate.fence.TargetPolicy;
import dev.quorate.fence.TopologyFenceGuard;
import dev.quorate.lock.LockManager;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.NoQuorumPolicy;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.ZkFenceCoordinator;
import dev.quorate.zk.ZkHostInventory;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;

/**
 * The examples of docs/scenarios.md. {@code ScenarioExamplesTest} runs those that need no disk and
 * no ZooKeeper; the others are the same calls the VM demo's {@code HostAgent} makes for real.
 */
final class ScenarioExamples {
  private ScenarioExamples() {}

  /** Virtual/virtual on one physical machine: two_node is refused. */
  static void twoNodeOnOneHost() {
    Topology oneHost = Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-1").build();
    QuorumPolicy.builder(oneHost).twoNode(true).build(); // ConfigurationException: both on hv-1
  }

  /** Physical/virtual: the quorum disk's vote breaks the 1:1 tie. */
  static QuorumPolicy passiveAppliancePolicy(QuorumDisk disk) {
    Topology topology =
        Topology.builder()
            .member(1, 1, "db-server") // the active node: a physical machine
            .member(2, 1, "appliance-1") // the passive node: a VM on the passive node appliance
            .build();
    QuorumPolicy policy =
        QuorumPolicy.builder(topology)
            .voteSource(disk.voteSource("qdisk", 1)) // 3 expected votes, threshold 2
            .build();
    return policy;
  }

  /** Physical/virtual: the appliance is never powered off by this cluster. */
  static FenceTopology passiveApplianceFencing(Secret ipmiPassword, Secret virshPassword) {
    FenceTopology fencing =
        FenceTopology.builder()
            .device(
                FenceDevice.builder("ipmi-db-server", "fence_ipmilan")
                    .scope(FenceScope.HOST)
                    .hosts("db-server") // the one host its board powers
                    .option("ip", "10.0.0.21")
                    .option("username", "fence")
                    .secret("password", ipmiPassword)
                    .build())
            .device(
                FenceDevice.builder("virsh-appliance-1", "fence_virsh") // VM scope by default
                    .option("ip", "appliance-1.mgmt")
                    .option("username", "fence")
                    .secret("password", virshPassword)
                    .plugs(PlugMapping.hostMap(Map.of("db-standby", "db-standby-vm")))
                    .build())
            .level("db-active", FenceLevel.of(1, "ipmi-db-server"))
            .level(
                "db-standby",
                FenceLevel.of(1, "virsh-appliance-1")) // no host level for the appliance
            .build();
    return fencing;
  }

  /** Physical/virtual: every cluster publishes its members; the guard reads the inventory. */
  static Fencer passiveApplianceGuard(
      CuratorFramework curator, QuorumPolicy policy, QuorumService quorum, FenceTopology fencing)
      throws InterruptedException {
    ZkHostInventory inventory =
        ZkHostInventory.builder(curator).build(); // one ensemble for all clusters
    inventory.publish(new Occupant("db", "db-standby", "appliance-1", 1, Occupant.Role.STANDBY));
    TopologyFenceGuard guard =
        TopologyFenceGuard.builder(policy, quorum::state)
            .member("db-active", 1)
            .member("db-standby", 2)
            .inventory("db", inventory)
            .placement(inventory.placement("db"))
            .build();
    Fencer fencer =
        Fencer.builder(fencing, FenceAgents.load(), guard)
            .coordinator(ZkFenceCoordinator.builder(curator, "db", "db-active").build())
            .build();
    return fencer;
  }

  /** Virtual/physical: the warning for an appliance that carries the threshold. */
  static List<String> activeApplianceWarnings() {
    Topology activeAppliance =
        Topology.builder()
            .member(1, 1, "appliance-1") // active VM of the first service
            .member(2, 1, "appliance-1") // active VM of the second service
            .member(3, 1, "standby-1") // physical standby
            .build();
    List<String> warnings = QuorumPolicy.builder(activeAppliance).build().warnings();
    // host appliance-1 runs members [1, 2] with 2 of 3 votes: losing it leaves 1, below the
    // threshold 2
    return warnings;
  }

  /** Physical/physical with VM failover: quorum and the VM locks. */
  static LockManager vmLocks(QuorumDisk disk, ZkLockManager zk) {
    Topology hosts =
        Topology.builder()
            .member(1, 1, "hv-1") // the cluster manager runs on the host itself
            .member(2, 1, "hv-2")
            .build();
    QuorumPolicy policy =
        QuorumPolicy.builder(hosts)
            .voteSource(disk.voteSource("qdisk", 1)) // the disk master's side wins a 1:1 split
            .build();
    QuorumService quorum =
        QuorumService.builder(policy, MemberId.of(1))
            .noQuorumPolicy(
                NoQuorumPolicy.FREEZE) // VM disks check tokens: keep running VMs in a split
            .build();
    LockManager vmLocks = QuorumGate.requireQuorum(zk, quorum);
    return vmLocks;
  }

  /** Physical/physical with VM failover: host power fencing behind the guard. */
  static Fencer hostFencing(
      QuorumPolicy policy,
      QuorumService quorum,
      QuorumDisk disk,
      FenceDevice ipmiHv1,
      FenceDevice ipmiHv2) {
    TopologyFenceGuard guard =
        TopologyFenceGuard.builder(policy, quorum::state)
            .member("hv-1", 1)
            .member("hv-2", 2)
            .livenessSource(disk.livenessSource()) // VETO_TARGET_ALIVE while hv-x still heartbeats
            .dedicatedHosts() // the hypervisors run this cluster's manager only
            .build();
    FenceTopology power =
        FenceTopology.builder()
            .device(ipmiHv1)
            .device(ipmiHv2)
            .level("hv-1", FenceLevel.of(1, "ipmi-hv-1"))
            .level("hv-2", FenceLevel.of(1, "ipmi-hv-2"))
            .policy(
                "hv-1",
                new TargetPolicy(
                    Duration.ofSeconds(5),
                    Duration.ZERO,
                    Duration.ZERO,
                    Duration.ofMinutes(2))) // hv-1 is preferred: whoever fences it waits 5 s first
            .build();
    Fencer fencer = Fencer.builder(power, FenceAgents.load(), guard).build();
    return fencer;
  }
}
