package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceRecoveryGate;
import dev.quorate.zk.ZkFenceCoordinator;
import dev.quorate.zk.ZkHostInventory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code quorate fence confirm} and {@code fence history} on a real cluster: a live member is never
 * confirmed down; a crashed one is, the record lands in the shared history that every member's
 * recovery gate reads, and the gate opens.
 */
@Timeout(120)
class FenceConfirmIT {
  @Test
  void confirmsOnlyAMemberWhoseSessionHasEndedAndTheGateOpens() throws Exception {
    try (TestingServer server = new TestingServer(true);
        CuratorFramework reader =
            CuratorFrameworkFactory.newClient(
                server.getConnectString(), 10_000, 5_000, new RetryOneTime(100));
        MemberCluster shop =
            new MemberCluster(server.getConnectString(), "shop", "db-a@h1", "db-b@h2")) {
      reader.start();
      shop.recordFence("db-a", "db-b"); // an earlier fence: the cluster has a shared history
      String connect = server.getConnectString();

      CliProcess.Result live = confirm(connect, "db-b", "looked dead");
      assertThat(live.exitCode()).as("%s", live).isEqualTo(3);
      assertThat(live.err())
          .contains("refused: shop/db-b is not down: its ZooKeeper session lives")
          .contains("on h2");

      CliProcess.Result typo = confirm(connect, "db-x", "r");
      assertThat(typo.exitCode()).as("%s", typo).isEqualTo(64);
      assertThat(typo.err()).contains("known: db-a, db-b");

      shop.crash("db-b");
      try (ZkHostInventory inventory = ZkHostInventory.builder(reader).build()) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> !inventory.connected().contains("shop/db-b"));
      }
      // db-b's lock was granted again (say) after that earlier fence: only a new record opens it.
      FenceHistory history = ZkFenceCoordinator.histories(reader, "/quorate/fence").get("shop");
      Instant heldSince = Instant.now().plusMillis(1);
      assertThat(FenceRecoveryGate.of(history).recovered("db-b", heldSince, 0)).isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(heldSince));
      CliProcess.Result done = confirm(connect, "db-b", "PDU outlet 4 is off", "--json");
      assertThat(done.exitCode()).as("%s", done).isEqualTo(0);
      assertThat(done.out())
          .contains("\"requester\":\"alice\"")
          .contains("\"reason\":\"CONFIRMED_BY_OPERATOR\"");

      FenceRecord last = history.records().get(history.records().size() - 1);
      assertThat(last.reason()).isEqualTo(FenceReason.CONFIRMED_BY_OPERATOR);
      assertThat(last.explanation())
          .isEqualTo("operator alice confirmed by hand that db-b is down: PDU outlet 4 is off");
      assertThat(FenceRecoveryGate.of(history).recovered("db-b", heldSince, 0)).isTrue();

      CliProcess.Result listed =
          CliProcess.run("fence", "history", "--connect", connect, "--target", "db-b");
      assertThat(listed.exitCode()).as("%s", listed).isEqualTo(0);
      assertThat(listed.out().lines().toList())
          .hasSize(2)
          .satisfies(
              lines -> {
                assertThat(lines.get(0)).contains("shop: off db-b by db-a: SUCCEEDED FENCED");
                assertThat(lines.get(1))
                    .contains("shop: off db-b by alice: SUCCEEDED CONFIRMED_BY_OPERATOR");
              });
      assertThat(List.of(listed.err())).containsExactly("");
    }
  }

  private static CliProcess.Result confirm(
      String connect, String target, String reason, String... more) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "fence",
                "confirm",
                target,
                "--cluster",
                "shop",
                "--reason",
                reason,
                "--operator",
                "alice",
                "--connect",
                connect));
    args.addAll(List.of(more));
    return CliProcess.run(args.toArray(String[]::new));
  }
}
