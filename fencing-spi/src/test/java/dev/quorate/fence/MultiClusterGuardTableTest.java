package dev.quorate.fence;

import static dev.quorate.fence.FenceReason.ALLOWED_SURVIVORS_QUORATE;
import static dev.quorate.fence.FenceReason.ALLOWED_VM_LEVEL;
import static dev.quorate.fence.FenceReason.REFUSED_DEVICE_WRONG_HOST;
import static dev.quorate.fence.FenceReason.REFUSED_FOREIGN_COLLATERAL;
import static dev.quorate.fence.FenceReason.REFUSED_INVENTORY_UNAVAILABLE;
import static dev.quorate.fence.GuardScenario.NOW;
import static dev.quorate.fence.GuardScenario.scenario;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard's decision table over several clusters sharing physical hosts through a {@link
 * HostInventory}: the seed paper's passive node appliance (three two-node clusters, each with its
 * active member on a server of its own and its standby VM on one shared appliance) and active node
 * appliance (three two-node clusters whose active VMs share the appliance, standbys on servers of
 * their own). The guard is cluster-1's; clusters 2 and 3 are seen only through the inventory.
 */
@Timeout(30)
class MultiClusterGuardTableTest {

  /** What the inventory holds: every cluster's occupants and published quorum views. */
  static final class DataCenter {
    private final List<Occupant> occupants = new ArrayList<>();
    private final Map<String, ClusterView> views = new LinkedHashMap<>();
    private long readNanos = NOW;

    /** Clusters 1 to 3: "active" on srv-k, "standby" VM on the shared appliance. */
    static DataCenter passiveAppliance() {
      DataCenter dc = new DataCenter();
      for (int k = 1; k <= 3; k++) {
        dc.twoNodeCluster("cluster-" + k, "srv-" + k, "appliance");
      }
      return dc;
    }

    /** Clusters 1 to 3: "active" VM on the shared appliance, "standby" on srv-k. */
    static DataCenter activeAppliance() {
      DataCenter dc = new DataCenter();
      for (int k = 1; k <= 3; k++) {
        dc.twoNodeCluster("cluster-" + k, "appliance", "srv-" + k);
      }
      return dc;
    }

    private void twoNodeCluster(String cluster, String activeHost, String standbyHost) {
      occupants.add(new Occupant(cluster, "active", activeHost, 1, Occupant.Role.ACTIVE));
      occupants.add(new Occupant(cluster, "standby", standbyHost, 1, Occupant.Role.STANDBY));
      // two_node: either member alone holds the threshold of 1.
      views.put(cluster, new ClusterView(cluster, true, 1, Set.of("active", "standby")));
    }

    /** The cluster publishes this view instead. */
    DataCenter publishes(String cluster, int threshold, String... partition) {
      views.put(cluster, new ClusterView(cluster, true, threshold, Set.of(partition)));
      return this;
    }

    /** The cluster publishes no quorum view at all. */
    DataCenter silent(String cluster) {
      views.remove(cluster);
      return this;
    }

    /** The cluster is gone from the inventory: no occupant, no view (as before it was placed). */
    DataCenter without(String cluster) {
      occupants.removeIf(o -> o.cluster().equals(cluster));
      views.remove(cluster);
      return this;
    }

    /** The read is this old on the guard's clock. */
    DataCenter readAgo(Duration age) {
      readNanos = NOW - age.toNanos();
      return this;
    }

    HostInventory inventory() {
      InventoryView view = new InventoryView(occupants, views, readNanos);
      return () -> view;
    }
  }

  /** Cluster-1 of the passive node appliance: its standby VM on the appliance hangs. */
  private static GuardScenario passive(String name) {
    return scenario("passive node appliance: " + name)
        .member("active", "srv-1")
        .member("standby", "appliance")
        .twoNode()
        .present("active");
  }

  /** Cluster-1 of the active node appliance: its active VM on the appliance hangs. */
  private static GuardScenario active(String name) {
    return scenario("active node appliance: " + name)
        .member("active", "appliance")
        .member("standby", "srv-1")
        .twoNode()
        .present("standby");
  }

  static Stream<GuardScenario> clusters() {
    return Stream.of(
        // --- Paper: physical/virtual, the passive node appliance carries every standby VM.
        passive("power-cycling the appliance kills the standbys of clusters 2 and 3")
            .inventory(DataCenter.passiveAppliance().inventory())
            .fenceHost("active", "standby")
            .expect(REFUSED_FOREIGN_COLLATERAL)
            .explaining(
                "appliance",
                "cluster-2/standby (standby, 1 vote)",
                "cluster-3/standby (standby, 1 vote)",
                "REFUSE"),
        passive("fencing the hung standby VM through the hypervisor")
            .inventory(DataCenter.passiveAppliance().inventory())
            .fenceVm("active", "standby")
            .expect(ALLOWED_VM_LEVEL),
        passive("policy allows it: clusters 2 and 3 keep quorum on their actives")
            .inventory(DataCenter.passiveAppliance().inventory())
            .guard(g -> g.foreignCollateral(ForeignCollateral.ALLOW_IF_CLUSTERS_STAY_QUORATE))
            .fenceHost("active", "standby")
            .expect(ALLOWED_SURVIVORS_QUORATE, "cluster-2/standby", "cluster-3/standby")
            .explaining("cluster-2/standby (standby, 1 vote)", "cluster-3/standby"),
        passive("policy refuses: cluster 3 needs 2 votes, its active alone has 1")
            .inventory(
                DataCenter.passiveAppliance()
                    .publishes("cluster-3", 2, "active", "standby")
                    .inventory())
            .guard(g -> g.foreignCollateral(ForeignCollateral.ALLOW_IF_CLUSTERS_STAY_QUORATE))
            .fenceHost("active", "standby")
            .expect(REFUSED_FOREIGN_COLLATERAL)
            .explaining("cluster-3/standby (standby, 1 vote)", "[active] with 1 of the 2 votes"),
        passive("policy refuses: cluster 2 publishes no quorum view")
            .inventory(DataCenter.passiveAppliance().silent("cluster-2").inventory())
            .guard(g -> g.foreignCollateral(ForeignCollateral.ALLOW_IF_CLUSTERS_STAY_QUORATE))
            .fenceHost("active", "standby")
            .expect(REFUSED_FOREIGN_COLLATERAL)
            .explaining("cluster-2/standby", "cluster cluster-2 publishes no quorate view"),
        passive("the other standbys are already lost by their own clusters: no healthy collateral")
            .inventory(
                DataCenter.passiveAppliance()
                    .publishes("cluster-2", 1, "active")
                    .publishes("cluster-3", 1, "active")
                    .inventory())
            .fenceHost("active", "standby")
            .expect(ALLOWED_SURVIVORS_QUORATE, "cluster-2/standby", "cluster-3/standby"),
        passive("no inventory and no dedicated hosts: who else runs there is unknown")
            .noInventory()
            .fenceHost("active", "standby")
            .expect(REFUSED_INVENTORY_UNAVAILABLE)
            .explaining("no host inventory is configured", "[appliance]"),
        passive("the inventory cannot be read")
            .inventory(
                () -> {
                  throw new IllegalStateException("zookeeper session expired");
                })
            .fenceHost("active", "standby")
            .expect(REFUSED_INVENTORY_UNAVAILABLE)
            .explaining("zookeeper session expired"),
        passive("the inventory returns nothing")
            .inventory(() -> null)
            .fenceHost("active", "standby")
            .expect(REFUSED_INVENTORY_UNAVAILABLE)
            .explaining("returned nothing"),
        passive("a 6 s old read, over the 5 s bound, from before clusters 2 and 3 moved in")
            .inventory(
                DataCenter.passiveAppliance()
                    .without("cluster-2")
                    .without("cluster-3")
                    .readAgo(Duration.ofSeconds(6))
                    .inventory())
            .fenceHost("active", "standby")
            .expect(REFUSED_INVENTORY_UNAVAILABLE)
            .explaining("6000 ms old", "5000 ms"),
        passive("the standby migrated to appliance-2; the level still powers the appliance")
            .inventory(DataCenter.passiveAppliance().inventory())
            .placement(Map.of("active", "srv-1", "standby", "appliance-2"))
            .fenceHost("active", "standby")
            .expect(REFUSED_DEVICE_WRONG_HOST)
            .explaining("[appliance]", "appliance-2"),
        passive("the level's switch powers srv-2, not the standby's appliance")
            .inventory(DataCenter.passiveAppliance().inventory())
            .deviceHost("srv-2")
            .fenceHost("active", "standby")
            .expect(REFUSED_DEVICE_WRONG_HOST)
            .explaining("[srv-2]", "appliance"),
        // --- Paper: virtual/physical, the active node appliance carries every active VM.
        active("power-cycling the appliance kills the active VMs of clusters 2 and 3")
            .inventory(DataCenter.activeAppliance().inventory())
            .fenceHost("standby", "active")
            .expect(REFUSED_FOREIGN_COLLATERAL)
            .explaining("cluster-2/active (active, 1 vote)", "cluster-3/active (active, 1 vote)"),
        active("fencing the hung active VM through the hypervisor")
            .inventory(DataCenter.activeAppliance().inventory())
            .fenceVm("standby", "active")
            .expect(ALLOWED_VM_LEVEL),
        active("policy allows it: clusters 2 and 3 keep quorum on their standbys")
            .inventory(DataCenter.activeAppliance().inventory())
            .guard(g -> g.foreignCollateral(ForeignCollateral.ALLOW_IF_CLUSTERS_STAY_QUORATE))
            .fenceHost("standby", "active")
            .expect(ALLOWED_SURVIVORS_QUORATE, "cluster-2/active", "cluster-3/active"),
        active("policy refuses: cluster 2 already lost its standby and would keep nobody")
            .inventory(DataCenter.activeAppliance().publishes("cluster-2", 1, "active").inventory())
            .guard(g -> g.foreignCollateral(ForeignCollateral.ALLOW_IF_CLUSTERS_STAY_QUORATE))
            .fenceHost("standby", "active")
            .expect(REFUSED_FOREIGN_COLLATERAL)
            .explaining("cluster-2/active (active, 1 vote)", "[] with 0 of the 1 votes"),
        active("a 6 s old read, over the 5 s bound, shows no other cluster on the appliance")
            .inventory(
                DataCenter.activeAppliance()
                    .without("cluster-2")
                    .without("cluster-3")
                    .readAgo(Duration.ofSeconds(6))
                    .inventory())
            .fenceHost("standby", "active")
            .expect(REFUSED_INVENTORY_UNAVAILABLE),
        active("a longer bound accepts the 6 s old read, and its foreign actives refuse")
            .inventory(DataCenter.activeAppliance().readAgo(Duration.ofSeconds(6)).inventory())
            .guard(g -> g.inventoryMaxAge(Duration.ofSeconds(10)))
            .fenceHost("standby", "active")
            .expect(REFUSED_FOREIGN_COLLATERAL),
        active("the active VM migrated to srv-9; the level still powers the appliance")
            .inventory(DataCenter.activeAppliance().inventory())
            .placement(Map.of("active", "srv-9", "standby", "srv-1"))
            .fenceHost("standby", "active")
            .expect(REFUSED_DEVICE_WRONG_HOST)
            .explaining("[appliance]", "srv-9"),
        active("the active VM migrated to srv-9; its VM-level fence follows it")
            .inventory(DataCenter.activeAppliance().inventory())
            .placement(Map.of("active", "srv-9", "standby", "srv-1"))
            .fenceVm("standby", "active")
            .expect(ALLOWED_VM_LEVEL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  void decidesWithTheExpectedReason(GuardScenario scenario) {
    scenario.assertDecision();
  }

  @Test
  void aLevelWhoseSwitchPowersAnotherHostIsRefusedWhenTheFencerIsBuilt() {
    Topology layout = Topology.builder().member(1, 1, "srv-1").member(2, 1, "appliance").build();
    QuorumPolicy policy = QuorumPolicy.builder(layout).twoNode(true).build();
    QuorumState state = policy.evaluate(policy.initialState(), Membership.ofIds(1, 2), 1);
    TopologyFenceGuard guard =
        TopologyFenceGuard.builder(policy, () -> state)
            .member("active", 1)
            .member("standby", 2)
            .inventory("cluster-1", DataCenter.passiveAppliance().inventory())
            .clock(() -> NOW)
            .build();
    FenceTopology wrong =
        FenceTopology.builder()
            .device(
                FenceDevice.builder("pdu-srv-2", "fence_apc")
                    .scope(FenceScope.HOST)
                    .hosts("srv-2")
                    .build())
            .level("standby", FenceLevel.of(1, "pdu-srv-2"))
            .build();

    assertThatThrownBy(() -> Fencer.builder(wrong, FenceAgents.of(), guard).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("pdu-srv-2")
        .hasMessageContaining("[srv-2]")
        .hasMessageContaining("standby runs on appliance");
  }
}
