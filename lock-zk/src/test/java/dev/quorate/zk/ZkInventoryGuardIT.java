package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceProposal;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.Occupant;
import dev.quorate.fence.Occupant.Role;
import dev.quorate.fence.TopologyFenceGuard;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster 1's topology-aware guard fed by the ZooKeeper inventory and placement, in the paper's
 * passive node appliance: three two-node clusters (two_node) whose standbys db-b all run on the
 * appliance, each member with its own session. Cluster 1 has lost its standby and asks to fence it.
 */
@Timeout(120)
class ZkInventoryGuardIT {
  private TestingServer server;
  private final List<CuratorFramework> clients = new ArrayList<>();
  private final List<ZkHostInventory> inventories = new ArrayList<>();
  private final Map<String, ZkHostInventory.Publication> published = new HashMap<>();
  private final Map<String, CuratorFramework> clientOf = new HashMap<>();
  private ZkHostInventory inventory;
  private TopologyFenceGuard guard;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    for (int n = 1; n <= 3; n++) {
      String cluster = "cluster-" + n;
      publish(cluster, "db-a", "host-" + n, Role.ACTIVE)
          .publishView(new ClusterView(cluster, true, 1, Set.of("db-a", "db-b")));
      publish(cluster, "db-b", "appliance", Role.STANDBY);
    }
    // Cluster 1 lost db-b: its active member publishes a view without it.
    published
        .get("cluster-1/db-a")
        .publishView(new ClusterView("cluster-1", true, 1, Set.of("db-a")));

    QuorumPolicy policy =
        QuorumPolicy.builder(
                Topology.builder().member(1, 1, "host-1").member(2, 1, "appliance").build())
            .twoNode(true)
            .build();
    QuorumState both = policy.evaluate(policy.initialState(), Membership.ofIds(1, 2), 1);
    QuorumState alone = policy.evaluate(both, Membership.ofIds(1), 2);
    assertThat(alone.quorate()).isTrue();
    inventory = inventory(client());
    guard =
        TopologyFenceGuard.builder(policy, () -> alone)
            .member("db-a", 1)
            .member("db-b", 2)
            .inventory("cluster-1", inventory)
            .placement(inventory.placement("cluster-1"))
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    inventories.forEach(ZkHostInventory::close);
    clients.forEach(CuratorFramework::close);
    server.close();
  }

  private CuratorFramework client() {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(5000)
            .connectionTimeoutMs(5000)
            .retryPolicy(new ExponentialBackoffRetry(100, 3))
            .build();
    client.start();
    clients.add(client);
    return client;
  }

  private ZkHostInventory inventory(CuratorFramework client) throws InterruptedException {
    ZkHostInventory created = ZkHostInventory.builder(client).build();
    inventories.add(created);
    return created;
  }

  private ZkHostInventory.Publication publish(String cluster, String member, String host, Role role)
      throws InterruptedException {
    CuratorFramework client = client();
    ZkHostInventory.Publication p =
        inventory(client).publish(new Occupant(cluster, member, host, 1, role));
    published.put(cluster + "/" + member, p);
    clientOf.put(cluster + "/" + member, client);
    return p;
  }

  private static FenceProposal proposal(FenceScope scope) {
    FenceDevice device =
        FenceDevice.builder(scope == FenceScope.HOST ? "pdu-appliance" : "hv-appliance", "fence_x")
            .scope(scope)
            .hosts("appliance")
            .build();
    return new FenceProposal(
        FenceRequest.of("db-a", "db-b", FenceAction.OFF, "lost from the membership"),
        FenceLevel.of(scope == FenceScope.HOST ? 2 : 1, device.name()),
        List.of(device));
  }

  @Test
  void powerCyclingTheApplianceIsRefusedForTheOtherClustersStandbysAndTheVmLevelIsAllowed() {
    FenceDecision host = guard.decide(proposal(FenceScope.HOST));
    assertThat(host.allowed()).as(host.explanation()).isFalse();
    assertThat(host.reason()).isEqualTo(FenceReason.REFUSED_FOREIGN_COLLATERAL);
    assertThat(host.explanation()).contains("cluster-2/db-b", "cluster-3/db-b");

    FenceDecision vm = guard.decide(proposal(FenceScope.VM));
    assertThat(vm.allowed()).as(vm.explanation()).isTrue();
    assertThat(vm.reason()).isEqualTo(FenceReason.ALLOWED_VM_LEVEL);
  }

  @Test
  void onceTheOtherStandbysMigratedAwayTheApplianceMayBePowerCycled() {
    published.get("cluster-2/db-b").moveTo("host-8");
    published.get("cluster-3/db-b").moveTo("host-9");

    FenceDecision host = guard.decide(proposal(FenceScope.HOST));
    assertThat(host.allowed()).as(host.reason() + " " + host.explanation()).isTrue();
  }

  @Test
  void aTargetThatMigratesBetweenTheDecisionAndTheAgentStopsTheFence() {
    FenceProposal vm = proposal(FenceScope.VM);
    FenceDecision allowed = guard.decide(vm);
    assertThat(allowed.allowed()).isTrue();

    published.get("cluster-1/db-b").moveTo("host-7"); // live migration off the appliance

    FenceDecision now = guard.recheck(vm, allowed);
    assertThat(now.allowed()).isFalse();
    assertThat(now.reason()).isEqualTo(FenceReason.REFUSED_PLACEMENT_CHANGED);
    assertThat(now.explanation()).contains("db-b appliance", "host-7");
  }

  @Test
  void aCrashedTargetIsStillPlacedOnItsHostAndAnUnreadableInventoryRefuses() throws Exception {
    // db-b's process dies: it cannot leave in order; its record keeps it on the appliance.
    ZkHostInventory.Publication dbB = published.get("cluster-1/db-b");
    clientOf.get("cluster-1/db-b").close();
    assertThat(inventory.placement("cluster-1").read().hostOf("db-b")).contains("appliance");
    assertThat(guard.decide(proposal(FenceScope.HOST)).reason())
        .isEqualTo(FenceReason.REFUSED_FOREIGN_COLLATERAL);
    assertThat(dbB.occupant().host()).isEqualTo("appliance");

    server.stop();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(() -> !clients.get(clients.size() - 1).getZookeeperClient().isConnected());
    FenceDecision blind = guard.decide(proposal(FenceScope.HOST));
    assertThat(blind.allowed()).isFalse();
    assertThat(blind.reason())
        .isIn(FenceReason.REFUSED_INVENTORY_UNAVAILABLE, FenceReason.REFUSED_PLACEMENT_UNKNOWN);
    server.restart(); // lets the members leave without waiting on retries
  }
}
