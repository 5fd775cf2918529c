package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The membership's and the arbiter's builders apply {@link ZkSecurity} as the lock manager's does:
 * their nodes are shut to every identity but the configured one.
 */
@Timeout(60)
class ZkBuilderSecurityIT {
  private static final ZkSecurity SECURITY =
      ZkSecurity.builder().digest("member", "s3cret").build();

  private TestingServer server;
  private CuratorFramework member;
  private CuratorFramework stranger;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    member =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .retryPolicy(new RetryOneTime(100))
            .authorization("digest", "member:s3cret".getBytes(StandardCharsets.UTF_8))
            .build();
    stranger = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    member.start();
    stranger.start();
  }

  @AfterEach
  void stop() throws Exception {
    stranger.close();
    member.close();
    server.close();
  }

  private void assertShutToStrangers(String root) throws Exception {
    List<ACL> acl = member.getACL().forPath(root);
    assertThat(acl).hasSize(1);
    assertThat(acl.get(0).getId().getScheme()).isEqualTo("digest");
    assertThat(acl.get(0).getId().getId()).startsWith("member:");
    assertThatThrownBy(() -> stranger.getChildren().forPath(root))
        .isInstanceOf(KeeperException.NoAuthException.class);
  }

  @Test
  void theArbitersNodesAreShutToStrangers() throws Exception {
    ZkArbiter arbiter =
        ZkArbiter.builder()
            .connectString(server.getConnectString())
            .rootPath("/secure-arbiter")
            .localMember(MemberId.of(1))
            .security(SECURITY)
            .build();
    try {
      assertShutToStrangers("/secure-arbiter");
    } finally {
      arbiter.close();
    }
  }

  @Test
  void theMembershipsNodesAreShutToStrangers() throws Exception {
    QuorumPolicy policy =
        QuorumPolicy.builder(Topology.builder().member(1, 1, "hv-1").build()).build();
    Member local = policy.topology().member(MemberId.of(1)).orElseThrow();
    QuorumService quorum = QuorumService.builder(policy, local.id()).build();
    try (ZkMembership membership =
        ZkMembership.builder()
            .connectString(server.getConnectString())
            .rootPath("/secure-membership")
            .localMember(local)
            .quorumService(quorum)
            .security(SECURITY)
            .build()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> membership.current().present().contains(local.id()));
      assertShutToStrangers("/secure-membership");
      for (String child : member.getChildren().forPath("/secure-membership")) {
        assertShutToStrangers("/secure-membership/" + child);
      }
    } finally {
      quorum.close();
    }
  }
}
