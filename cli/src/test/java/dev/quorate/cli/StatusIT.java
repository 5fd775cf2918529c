package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.fence.ClusterView;
import dev.quorate.zk.ZkHostInventory;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code quorate status} against a real ZooKeeper server and a real cluster of three members, run
 * as a process like {@code bin/quorate}: the exit status follows the cluster from healthy (0) to
 * degraded (1) to no quorum (2), and {@code --json} says the same.
 */
@Timeout(120)
class StatusIT {
  private TestingServer server;
  private CuratorFramework observer;
  private ZkHostInventory inventory;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    observer =
        CuratorFrameworkFactory.newClient(
            server.getConnectString(), 10_000, 5_000, new RetryOneTime(100));
    observer.start();
    inventory = ZkHostInventory.builder(observer).build();
  }

  @AfterEach
  void stop() throws Exception {
    inventory.close();
    observer.close();
    server.close();
  }

  /** Waits until the cluster's published view is {@code partition}, or none when empty. */
  private void awaitView(String cluster, Set<String> partition) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Optional<ClusterView> view = inventory.read().cluster(cluster);
              return partition.isEmpty()
                  ? view.isEmpty()
                  : view.map(v -> v.partition().equals(partition)).orElse(false);
            });
  }

  @Test
  void exitStatusFollowsTheClusterFromHealthyToDegradedToNoQuorum() throws Exception {
    try (MemberCluster shop =
        new MemberCluster(server.getConnectString(), "shop", "db-a@h1", "db-b@h1", "db-c@h2")) {
      awaitView("shop", Set.of("db-a", "db-b", "db-c"));

      CliProcess.Result healthy = CliProcess.run("status", "--connect", server.getConnectString());
      assertThat(healthy.exitCode()).as("%s", healthy).isEqualTo(0);
      assertThat(healthy.out())
          .contains("Cluster shop: HEALTHY")
          .contains("quorate: partition db-a, db-b, db-c holds 3 of 3 member votes, threshold 2")
          .containsPattern("h1 +shop/db-a \\(up\\), shop/db-b \\(up\\)")
          .contains("Membership (/quorate/members): 3 registered, HEALTHY");

      shop.crash("db-c");
      awaitView("shop", Set.of("db-a", "db-b"));
      shop.recordFence("db-a", "db-c");
      CliProcess.Result degraded =
          CliProcess.run("status", "--connect", server.getConnectString(), "--json");
      assertThat(degraded.exitCode()).as("%s", degraded).isEqualTo(1);
      assertThat(degraded.out())
          .startsWith("{\"schema\":\"quorate-status/1\"")
          .contains("\"health\":\"DEGRADED\",\"exitCode\":1")
          .contains(
              "{\"cluster\":\"shop\",\"name\":\"db-c\",\"host\":\"h2\",\"votes\":1,"
                  + "\"role\":\"active\",\"connected\":false,\"inPartition\":false}")
          .contains("\"target\":\"db-c\"")
          .contains("\"reason\":\"FENCED\"");

      shop.crash("db-b");
      awaitView("shop", Set.of());
      CliProcess.Result lost = CliProcess.run("status", "--connect", server.getConnectString());
      assertThat(lost.exitCode()).as("%s", lost).isEqualTo(2);
      assertThat(lost.out())
          .contains("Cluster shop: NO_QUORUM")
          .contains("no connected member publishes a quorate view (1 of 3 members connected)")
          .contains("shop: off db-c by db-a: SUCCEEDED FENCED (level 1, pdu-1)");
    }
  }

  @Test
  void anEnsembleWithNothingPublishedShowsNoQuorumAndSaysWhy() throws Exception {
    CliProcess.Result result =
        CliProcess.run("status", "--connect", server.getConnectString(), "--json");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.out())
        .contains("\"health\":\"NO_QUORUM\"")
        .contains("nothing is published at /quorate/inventory");
  }

  @Test
  void anUnknownClusterIsAUsageErrorNamingTheClustersThere() throws Exception {
    try (MemberCluster shop = new MemberCluster(server.getConnectString(), "shop", "db-a@h1")) {
      awaitView("shop", Set.of("db-a"));
      assertThat(shop.client("db-a").getZookeeperClient().isConnected()).isTrue();

      CliProcess.Result result =
          CliProcess.run("status", "--connect", server.getConnectString(), "--cluster", "shopp");

      assertThat(result.exitCode()).as("%s", result).isEqualTo(64);
      assertThat(result.err())
          .contains(
              "no cluster 'shopp' in the host inventory at /quorate/inventory; clusters"
                  + " there: shop");
    }
  }
}
