package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.InventoryView;
import dev.quorate.fence.Occupant;
import dev.quorate.fence.Occupant.Role;
import dev.quorate.fence.PlacementSource;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The paper's passive node appliance on a real ZooKeeper server: three two-member clusters whose
 * active members run on hosts of their own and whose standbys all run on one appliance. Every
 * member has its own session and publishes itself; each cluster's active member publishes its view.
 */
@Timeout(120)
class ZkHostInventoryIT {
  private TestingServer server;
  private final List<CuratorFramework> clients = new ArrayList<>();
  private final List<ZkHostInventory> inventories = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000);

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
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
    ZkHostInventory inventory =
        ZkHostInventory.builder(client)
            .readTimeout(Duration.ofSeconds(5))
            .clock(clock::get)
            .build();
    inventories.add(inventory);
    return inventory;
  }

  private record Published(
      CuratorFramework client, ZkHostInventory inventory, ZkHostInventory.Publication entry) {}

  private Published publish(String cluster, String member, String host, Role role)
      throws InterruptedException {
    CuratorFramework client = client();
    ZkHostInventory inventory = inventory(client);
    return new Published(
        client, inventory, inventory.publish(new Occupant(cluster, member, host, 1, role)));
  }

  /** cluster-N: db-a (active) on host-N, db-b (standby) on the appliance. */
  private List<Published> passiveNodeAppliance() throws InterruptedException {
    List<Published> all = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      Published active = publish("cluster-" + n, "db-a", "host-" + n, Role.ACTIVE);
      active.entry().publishView(new ClusterView("cluster-" + n, true, 2, Set.of("db-a", "db-b")));
      all.add(active);
      all.add(publish("cluster-" + n, "db-b", "appliance", Role.STANDBY));
    }
    return all;
  }

  private static List<String> namesOn(InventoryView view, String host) {
    return view.occupantsOn(Set.of(host)).stream().map(Occupant::qualifiedName).toList();
  }

  @Test
  void everyClustersMembersAndViewsAreReadWithTheReadersClockStamp() throws Exception {
    passiveNodeAppliance();
    ZkHostInventory reader = inventory(client());
    clock.set(42);

    InventoryView view = reader.read();

    assertThat(view.readNanos()).isEqualTo(42);
    assertThat(view.occupants()).hasSize(6);
    assertThat(namesOn(view, "appliance"))
        .containsExactly("cluster-1/db-b", "cluster-2/db-b", "cluster-3/db-b");
    assertThat(view.occupantsOn(Set.of("appliance")))
        .allSatisfy(
            o -> {
              assertThat(o.role()).isEqualTo(Role.STANDBY);
              assertThat(o.votes()).isOne();
            });
    assertThat(namesOn(view, "host-2")).containsExactly("cluster-2/db-a");
    assertThat(view.clusters()).containsOnlyKeys("cluster-1", "cluster-2", "cluster-3");
    assertThat(view.cluster("cluster-2"))
        .contains(new ClusterView("cluster-2", true, 2, Set.of("db-a", "db-b")));
  }

  @Test
  void aMigratedMemberIsSeenOnItsNewHostInTheInventoryAndThePlacement() throws Exception {
    List<Published> all = passiveNodeAppliance();
    ZkHostInventory reader = inventory(client());
    PlacementSource placement = reader.placement("cluster-1");
    assertThat(placement.read().hostOf("db-b")).contains("appliance");

    all.get(1).entry().moveTo("host-9"); // cluster-1/db-b live-migrates off the appliance

    InventoryView view = reader.read();
    assertThat(namesOn(view, "appliance")).containsExactly("cluster-2/db-b", "cluster-3/db-b");
    assertThat(namesOn(view, "host-9")).containsExactly("cluster-1/db-b");
    assertThat(placement.read().hosts())
        .containsEntry("db-a", "host-1")
        .containsEntry("db-b", "host-9");
    assertThat(reader.placement("cluster-7").read().hosts()).isEmpty();
  }

  @Test
  void anOrderlyLeaveRemovesAnOccupantButACrashedOneStaysAtItsLastHostUntilForgotten()
      throws Exception {
    List<Published> all = passiveNodeAppliance();
    ZkHostInventory reader = inventory(client());

    all.get(5).entry().close(); // cluster-3/db-b leaves in order
    all.get(4).client().close(); // cluster-3/db-a's process dies: its session ends, nothing more

    InventoryView view = reader.read();
    assertThat(namesOn(view, "appliance")).containsExactly("cluster-1/db-b", "cluster-2/db-b");
    // Its VM may still run on host-3: it stays there, and its cluster can still place it.
    assertThat(namesOn(view, "host-3")).containsExactly("cluster-3/db-a");
    assertThat(reader.placement("cluster-3").read().hosts()).containsOnlyKeys("db-a");
    // The view died with the session that published it.
    assertThat(view.cluster("cluster-3")).isEmpty();
    assertThat(view.cluster("cluster-2")).isPresent();

    assertThatThrownBy(() -> reader.forget("cluster-2", "db-b"))
        .isInstanceOfSatisfying(
            QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessageContaining("cluster-2/db-b is live");
    assertThat(reader.forget("cluster-3", "db-a")).isTrue();
    assertThat(reader.forget("cluster-3", "db-a")).isFalse();
    assertThat(reader.read().occupants()).noneMatch(o -> o.cluster().equals("cluster-3"));
  }

  @Test
  void aMemberWhoseSessionExpiredIsPublishedAgainWithItsNewSession() throws Exception {
    Published member = publish("cluster-1", "db-b", "appliance", Role.STANDBY);
    member.entry().publishView(new ClusterView("cluster-1", true, 1, Set.of("db-b")));
    ZkHostInventory reader = inventory(client());
    long before = member.client().getZookeeperClient().getZooKeeper().getSessionId();

    expireOnServer(member.client().getZookeeperClient().getZooKeeper());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                member.client().getZookeeperClient().getZooKeeper().getSessionId() != before
                    && namesOn(reader.read(), "appliance").equals(List.of("cluster-1/db-b"))
                    && reader.read().cluster("cluster-1").isPresent());
  }

  @Test
  void aRestartedMemberReplacesTheNodeItsOldSessionLeft() throws Exception {
    Published old = publish("cluster-1", "db-b", "appliance", Role.STANDBY);
    Published restarted = publish("cluster-1", "db-b", "host-4", Role.STANDBY);
    ZkHostInventory reader = inventory(client());
    assertThat(namesOn(reader.read(), "host-4")).containsExactly("cluster-1/db-b");

    old.client().close(); // the old session ends late: the new node stays
    old.entry().close();
    assertThat(namesOn(reader.read(), "host-4")).containsExactly("cluster-1/db-b");
    assertThat(restarted.entry().occupant().host()).isEqualTo("host-4");
  }

  @Test
  void aCorruptNodeFailsTheReadAndNamesItsPath() throws Exception {
    passiveNodeAppliance();
    CuratorFramework operator = client();
    ZkHostInventory reader = inventory(operator);
    operator
        .create()
        .creatingParentsIfNeeded()
        .forPath(
            "/quorate/inventory/occupants/cluster-2/db-c",
            "host=appliance\nvotes=one\nrole=standby\n".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(reader::read)
        .isInstanceOfSatisfying(
            QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_DATA))
        .hasMessageContaining("/quorate/inventory/occupants/cluster-2/db-c");
    assertThatThrownBy(() -> reader.placement("cluster-2").read())
        .hasMessageContaining("/quorate/inventory/occupants/cluster-2/db-c");
    assertThat(reader.placement("cluster-1").read().hosts()).hasSize(2);

    operator
        .create()
        .creatingParentsIfNeeded()
        .forPath(
            "/quorate/inventory/views/cluster-1/db-z",
            "quorate=yes\nthreshold=2\npartition=db-a\n".getBytes(StandardCharsets.UTF_8));
    operator.delete().forPath("/quorate/inventory/occupants/cluster-2/db-c");
    assertThatThrownBy(reader::read)
        .hasMessageContaining("/quorate/inventory/views/cluster-1/db-z")
        .hasMessageContaining("quorate=yes");
  }

  @Test
  void aPublicationClosedWhileCutOffTakesItsViewOnceItsSessionReconnects() throws Exception {
    Published member = publish("cluster-1", "db-a", "host-1", Role.ACTIVE);
    member.entry().publishView(new ClusterView("cluster-1", true, 1, Set.of("db-a")));
    long session = member.client().getZookeeperClient().getZooKeeper().getSessionId();
    ZkHostInventory reader = inventory(client());
    assertThat(reader.read().cluster("cluster-1")).isPresent();

    server.stop();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !member.client().getZookeeperClient().isConnected());
    member.entry().close();
    server.restart(); // within the session timeout: the same session comes back

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> member.client().getZookeeperClient().isConnected());
    assertThat(member.client().getZookeeperClient().getZooKeeper().getSessionId())
        .as("the session survived the cut")
        .isEqualTo(session);
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> reader.read().cluster("cluster-1").isEmpty());
    assertThat(reader.read().occupants()).isEmpty();
  }

  @Test
  void aReadWithoutAConnectionFailsInsteadOfGuessing() throws Exception {
    passiveNodeAppliance();
    CuratorFramework client = client();
    ZkHostInventory reader = inventory(client);
    server.stop();
    await().atMost(Duration.ofSeconds(20)).until(() -> !client.getZookeeperClient().isConnected());

    assertThatThrownBy(reader::read)
        .isInstanceOfSatisfying(
            QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_LOSS));
    server.restart(); // lets the members leave without waiting on retries
  }

  @Test
  void aMemberPublishesOnlyItsOwnClustersView() throws Exception {
    Published member = publish("cluster-1", "db-a", "host-1", Role.ACTIVE);
    assertThatThrownBy(
            () -> member.entry().publishView(new ClusterView("cluster-2", true, 1, Set.of("x"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cluster-2");
    member.entry().publishView(new ClusterView("cluster-1", true, 1, Set.of("db-a")));
    member.entry().withdrawView();
    assertThat(inventory(client()).read().cluster("cluster-1")).isEmpty();
  }

  @Test
  void aMembersPublishedViewFollowsItsQuorumService() throws Exception {
    QuorumPolicy policy =
        QuorumPolicy.builder(
                Topology.builder().member(1, 1, "host-1").member(2, 1, "appliance").build())
            .build();
    try (QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build()) {
      quorum.update(List.of(MemberId.of(1), MemberId.of(2)));
      Published member = publish("cluster-1", "db-a", "host-1", Role.ACTIVE);
      ZkHostInventory reader = inventory(client());
      Map<MemberId, String> names = Map.of(MemberId.of(1), "db-a", MemberId.of(2), "db-b");

      member.entry().followQuorum(quorum, names);
      assertThat(reader.read().cluster("cluster-1"))
          .contains(new ClusterView("cluster-1", true, 2, Set.of("db-a", "db-b")));

      quorum.update(List.of(MemberId.of(1))); // db-b lost: 1 of 2 votes, not quorate
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reader.read().cluster("cluster-1").isEmpty());

      quorum.update(List.of(MemberId.of(1), MemberId.of(2)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reader.read().cluster("cluster-1").isPresent());
      assertThatThrownBy(() -> member.entry().followQuorum(quorum, Map.of(MemberId.of(1), "db-a")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("has no name");
    }
  }

  private void expireOnServer(ZooKeeper victim) throws Exception {
    ServerSessions.expire(server.getConnectString(), victim);
  }
}
