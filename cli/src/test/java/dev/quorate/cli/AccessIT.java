package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a script sees when the command cannot answer: an unreachable ensemble within the connect
 * timeout, an ACL that refuses this client (and the same read with the right credentials, given
 * only through the environment or a file), a missing ensemble.
 */
@Timeout(120)
class AccessIT {
  @Test
  void anUnreachableEnsembleEndsWithItsOwnCodeNamingTheConnectString() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String connect = "127.0.0.1:" + closed;

    CliProcess.Result json =
        CliProcess.run("status", "--connect", connect, "--timeout", "1s", "--json");

    assertThat(json.exitCode()).as("%s", json).isEqualTo(69);
    assertThat(json.err())
        .startsWith("quorate: cannot reach the ZooKeeper ensemble at " + connect)
        .contains("no server answered within 1s");
    assertThat(json.out())
        .startsWith("{\"schema\":\"quorate-error/1\",\"exitCode\":69,\"error\":\"cannot reach");
  }

  @Test
  void noEnsembleGivenIsAUsageError() throws Exception {
    CliProcess.Result result = CliProcess.run("status");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(64);
    assertThat(result.err()).contains("no ensemble given: use --connect host:port");
  }

  @Test
  void aRefusingAclNamesThePathAndTheCredentialOptionsAndTheRightCredentialsRead(@TempDir Path dir)
      throws Exception {
    try (TestingServer server = new TestingServer(true);
        CuratorFramework owner =
            CuratorFrameworkFactory.builder()
                .connectString(server.getConnectString())
                .retryPolicy(new RetryOneTime(100))
                .authorization(
                    List.of(new AuthInfo("digest", "ops:s3cret".getBytes(StandardCharsets.UTF_8))))
                .build()) {
      owner.start();
      owner.blockUntilConnected();
      List<ACL> onlyOps =
          List.of(
              new ACL(
                  ZooDefs.Perms.ALL,
                  new Id("digest", DigestAuthenticationProvider.generateDigest("ops:s3cret"))));
      owner.create().creatingParentsIfNeeded().withACL(onlyOps).forPath("/quorate/inventory");

      CliProcess.Result refused = CliProcess.run("status", "--connect", server.getConnectString());
      CliProcess.Result wrong =
          CliProcess.run(
              Map.of(EnsembleOptions.DIGEST_ENV, "ops:wrong"),
              "status",
              "--connect",
              server.getConnectString());
      CliProcess.Result fromEnvironment =
          CliProcess.run(
              Map.of(EnsembleOptions.DIGEST_ENV, "ops:s3cret"),
              "status",
              "--connect",
              server.getConnectString());
      Path secret = Files.writeString(dir.resolve("digest"), "ops:s3cret\n");
      CliProcess.Result fromFile =
          CliProcess.run(
              "status", "--connect", server.getConnectString(), "--digest-file", secret.toString());

      assertThat(refused.exitCode()).as("%s", refused).isEqualTo(77);
      assertThat(refused.err())
          .contains("refused access to /quorate/inventory (NoAuth")
          .contains(EnsembleOptions.DIGEST_ENV)
          .contains("--digest-file FILE")
          .contains("--jaas FILE");
      assertThat(wrong.exitCode()).as("%s", wrong).isEqualTo(77);
      // Readable now: an empty inventory publishes no cluster, hence no quorum (2), not 77.
      assertThat(fromEnvironment.exitCode()).as("%s", fromEnvironment).isEqualTo(2);
      assertThat(fromFile.exitCode()).as("%s", fromFile).isEqualTo(2);
      for (CliProcess.Result r : List.of(refused, wrong, fromEnvironment, fromFile)) {
        assertThat(r.out() + r.err()).doesNotContain("s3cret").doesNotContain("wrong");
      }
    }
  }
}
