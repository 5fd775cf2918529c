package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Leadership;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import dev.quorate.zk.ZkSecurity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code quorate locks}, {@code revoke} and {@code leader}, run as processes against a real
 * ZooKeeper where two members hold, wait and campaign through their own lock managers.
 */
@Timeout(120)
class LocksIT {
  @Test
  void showsHolderAndWaiterAndRevokeHandsTheLockToTheWaiter() throws Exception {
    try (TestingServer server = new TestingServer(true);
        ZkLockManager a = manager(server);
        ZkLockManager b = manager(server)) {
      String connect = server.getConnectString();
      Lease held = a.lock("volume/7").acquire(LockMode.EX);
      LinkedBlockingQueue<LeaseEvent> heard = new LinkedBlockingQueue<>();
      held.addListener(heard::add);
      CompletableFuture<Lease> waiting = b.lock("volume/7").acquireAsync(LockMode.EX);
      LockInspection seen =
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> a.inspect("volume/7"), s -> s.queue().size() == 1);
      String holder = seen.holders().get(0).member();
      String waiter = seen.queue().get(0).member();
      assertThat(holder).isNotEqualTo(waiter);

      CliProcess.Result listed = CliProcess.run("locks", "--connect", connect);
      assertThat(listed.exitCode()).as("%s", listed).isZero();
      assertThat(listed.out())
          .contains("volume/7: 1 held, 1 waiting")
          .contains("holder  " + holder + "  EX  token " + held.token() + "  since ")
          .contains("waiter  " + waiter + "  EX  since ");

      CliProcess.Result unknown = revoke(connect, "--token", "999999.0", "--reason", "r", "--yes");
      assertThat(unknown.exitCode()).as("%s", unknown).isEqualTo(3);
      assertThat(unknown.err())
          .contains("refused: nothing to revoke")
          .contains("token 999999.0")
          .contains(held.token().toString());
      CliProcess.Result noReason = revoke(connect, "--token", "1.0", "--yes");
      assertThat(noReason.exitCode()).as("%s", noReason).isEqualTo(64);
      assertThat(noReason.err()).contains("Missing required option: '--reason=TEXT'");
      String token = held.token().toString();
      CliProcess.Result unasked = revoke(connect, "--token", token, "--reason", "r");
      assertThat(unasked.exitCode()).as("%s", unasked).isEqualTo(64);
      assertThat(unasked.err()).contains("not a terminal; add --yes");
      assertThat(held.state()).isEqualTo(LeaseState.GRANTED);

      CliProcess.Result revoked =
          revoke(
              connect, "--token", token, "--reason", "holder hung", "--by", "ops/alice", "--yes");
      assertThat(revoked.exitCode()).as("%s", revoked).isZero();
      assertThat(revoked.out())
          .startsWith("revoked token " + held.token() + " on volume/7 (held by " + holder + ")")
          .contains("by ops/alice: holder hung");

      LeaseEvent lost = heard.poll(20, TimeUnit.SECONDS);
      assertThat(lost).isNotNull();
      assertThat(lost.to()).isEqualTo(LeaseState.LOST);
      Lease next = waiting.get(20, TimeUnit.SECONDS);
      assertThat(next.token()).isGreaterThan(held.token());

      CliProcess.Result after = CliProcess.run("locks", "volume/7", "--json", "--connect", connect);
      assertThat(after.exitCode()).as("%s", after).isZero();
      assertThat(after.out())
          .startsWith("{\"schema\":\"quorate-locks/1\",\"lockPath\":\"/quorate/locks\"")
          .contains(
              "\"holders\":[{\"member\":\""
                  + waiter
                  + "\",\"mode\":\"EX\",\"token\":\""
                  + next.token()
                  + "\"")
          .contains("\"queue\":[]")
          .contains(
              "\"revocations\":[{\"resource\":\"volume/7\",\"token\":\""
                  + held.token()
                  + "\",\"holder\":\""
                  + holder
                  + "\",\"requestedBy\":\"ops/alice\",\"reason\":\"holder hung\"");
      next.release();
    }
  }

  @Test
  void onASecuredEnsembleTheRevocationRecordIsTheOperatorsOnly() throws Exception {
    try (TestingServer server = new TestingServer(true);
        ZkLockManager secured =
            ZkLockManager.builder()
                .connectString(server.getConnectString())
                .security(ZkSecurity.builder().digest("ops", "s3cret").build())
                .build();
        CuratorFramework anybody =
            CuratorFrameworkFactory.newClient(
                server.getConnectString(), 10_000, 5_000, new RetryOneTime(100))) {
      anybody.start();
      Lease held = secured.lock("volume/7").acquire(LockMode.EX);

      CliProcess.Result revoked =
          CliProcess.run(
              Map.of(EnsembleOptions.DIGEST_ENV, "ops:s3cret"),
              "revoke",
              "volume/7",
              "--token",
              held.token().toString(),
              "--reason",
              "hung",
              "--yes",
              "--connect",
              server.getConnectString());
      assertThat(revoked.exitCode()).as("%s", revoked).isZero();

      String records = "/quorate/locks/.revocations/volume%2F7";
      List<String> names = anybody.getChildren().forPath(records);
      assertThat(names).hasSize(1);
      String record = records + "/" + names.get(0);
      assertThatThrownBy(() -> anybody.getData().forPath(record))
          .isInstanceOf(KeeperException.NoAuthException.class);
      CliProcess.Result shown =
          CliProcess.run(
              Map.of(EnsembleOptions.DIGEST_ENV, "ops:s3cret"),
              "locks",
              "--connect",
              server.getConnectString());
      assertThat(shown.out())
          .as("%s", shown)
          .contains("revoked token " + held.token() + " on volume/7");
    }
  }

  @Test
  void leaderShowsTheElectedCandidateAndItsSuccessor() throws Exception {
    try (TestingServer server = new TestingServer(true);
        ZkLockManager a = manager(server);
        ZkLockManager b = manager(server)) {
      String connect = server.getConnectString();
      Leadership first = a.election("scheduler").campaign("node-a");
      CompletableFuture<Leadership> second = b.election("scheduler").campaignAsync("node-b");
      Lease held = a.lock("disk/1").acquire(LockMode.PR);

      CliProcess.Result leading = CliProcess.run("leader", "--connect", connect);
      assertThat(leading.exitCode()).as("%s", leading).isZero();
      assertThat(leading.out())
          .isEqualTo(
              "scheduler: node-a  epoch "
                  + first.token()
                  + "  since "
                  + first.leader().since()
                  + "\n");

      Process watch = watch(connect);
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        assertThat(lines.readLine()).isEqualTo(leading.out().strip());
        first.resign();
        String line = lines.readLine();
        while (line != null && line.equals("scheduler: no leader")) {
          line = lines.readLine(); // an observer may see the moment between two leaders
        }
        assertThat(line).startsWith("scheduler: node-b  epoch ");
      } finally {
        watch.destroy();
      }
      Leadership next = second.get(20, TimeUnit.SECONDS);
      CliProcess.Result status = CliProcess.run("status", "--json", "--connect", connect);
      assertThat(status.exitCode()).as("nothing published: the rule is unchanged").isEqualTo(2);
      assertThat(status.out())
          .contains(
              "\"locks\":{\"path\":\"/quorate/locks\",\"resources\":1,\"held\":1,\"waiting\":0,"
                  + "\"shown\":[{\"resource\":\"disk/1\",\"holders\":[{\"member\":")
          .contains("\"mode\":\"PR\",\"token\":\"" + held.token() + "\"")
          .contains(
              "\"elections\":[{\"election\":\"scheduler\",\"leader\":{\"candidate\":\"node-b\","
                  + "\"epoch\":\""
                  + next.token()
                  + "\"");
      assertThat(next.token()).isGreaterThan(first.token());
      next.resign();
      CliProcess.Result none = CliProcess.run("leader", "scheduler", "--connect", connect);
      assertThat(none.out()).as("%s", none).isEqualTo("scheduler: no leader\n");
      held.release();
    }
  }

  /** {@code quorate revoke volume/7 OPTIONS --connect CONNECT}. */
  private static CliProcess.Result revoke(String connect, String... options)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("revoke", "volume/7"));
    args.addAll(List.of(options));
    args.addAll(List.of("--connect", connect));
    return CliProcess.run(args.toArray(String[]::new));
  }

  /** {@code quorate leader --watch} as bin/quorate runs it; the test's timeout bounds its reads. */
  private static Process watch(String connect) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(CliProcess.START_FAST);
    command.addAll(
        List.of("-jar", CliProcess.JAR.toString(), "leader", "--watch", "--connect", connect));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static ZkLockManager manager(TestingServer server) throws InterruptedException {
    return ZkLockManager.builder().connectString(server.getConnectString()).build();
  }
}
