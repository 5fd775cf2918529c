package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviour beyond the TCK on one server: reconnects, security, borrowed clients. */
@Timeout(60)
class ZkLockManagerIT {
  private static TestingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws java.io.IOException {
    server.close();
  }

  private static ZkLockManager manager() throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void leaseIsSuspectWhileTheServerIsDownAndGrantedAgainWithinTheSession() throws Exception {
    try (ZkLockManager manager = manager()) {
      Lease lease = manager.lock("restart").acquire(LockMode.EX);
      List<LeaseEvent> events = new CopyOnWriteArrayList<>();
      lease.addListener(events::add);
      server.restart();
      await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 2);
      assertThat(events)
          .extracting(LeaseEvent::to)
          .containsExactly(LeaseState.SUSPECT, LeaseState.GRANTED);
      lease.checkValid();
      lease.release();
    }
  }

  @Test
  void continuationOfAnAsyncGrantMayReleaseAtOnce() throws Exception {
    // Regression: completing the future on the lease's own thread made release() wait for itself.
    try (ZkLockManager manager = manager()) {
      CompletableFuture<LeaseState> released =
          manager
              .lock("continuation")
              .acquireAsync(LockMode.EX)
              .thenApply(
                  lease -> {
                    lease.release();
                    return lease.state();
                  });
      assertThat(released.get(5, TimeUnit.SECONDS)).isEqualTo(LeaseState.RELEASED);
    }
  }

  @Test
  void digestSecurityShutsOutTheWorld() throws Exception {
    ZkSecurity security = ZkSecurity.builder().digest("member", "secret").build();
    try (ZkLockManager manager =
            ZkLockManager.builder()
                .connectString(server.getConnectString())
                .rootPath("/secured")
                .security(security)
                .build();
        CuratorFramework member =
            CuratorFrameworkFactory.builder()
                .connectString(server.getConnectString())
                .retryPolicy(new RetryOneTime(100))
                .authorization("digest", "member:secret".getBytes(StandardCharsets.UTF_8))
                .build();
        CuratorFramework stranger =
            CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
      member.start();
      stranger.start();
      try (Lease lease = manager.lock("vault").acquire(LockMode.EX)) {
        String node = "/secured/vault/" + member.getChildren().forPath("/secured/vault").get(0);
        List<ACL> acl = member.getACL().forPath(node);
        assertThat(acl).hasSize(1);
        assertThat(acl.get(0).getId().getScheme()).isEqualTo("digest");
        assertThat(acl.get(0).getId().getId()).startsWith("member:");
        assertThat(acl.get(0).getPerms()).isEqualTo(ZooDefs.Perms.ALL);
        assertThatThrownBy(() -> stranger.getChildren().forPath("/secured/vault"))
            .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stranger.delete().forPath(node))
            .isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(lease.state()).isEqualTo(LeaseState.GRANTED);
      }
    }
  }

  @Test
  void borrowedCuratorClientIsLeftOpen() throws Exception {
    try (CuratorFramework curator =
        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
      ZkLockManager manager = ZkLockManager.builder().curator(curator).build();
      manager.lock("borrowed").acquire(LockMode.PW).release();
      manager.close();
      assertThat(curator.getState()).isEqualTo(CuratorFrameworkState.STARTED);
    }
  }

  @Test
  void anInjectedExecutorRunsTheLeasesWorkAndDeliversTheirEvents() throws Exception {
    ExecutorService threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "injected-" + task.hashCode());
              thread.setDaemon(true);
              return thread;
            });
    try (ZkLockManager manager =
        ZkLockManager.builder()
            .connectString(server.getConnectString())
            .sessionTimeout(Duration.ofSeconds(10))
            .executor(threads)
            .build()) {
      CompletableFuture<String> deliveredOn = new CompletableFuture<>();
      Lease lease =
          manager
              .lock(
                  "injected",
                  LockOptions.builder()
                      .listener(event -> deliveredOn.complete(Thread.currentThread().getName()))
                      .build())
              .acquireAsync(LockMode.EX)
              .get(20, TimeUnit.SECONDS);
      lease.release();
      assertThat(deliveredOn.get(20, TimeUnit.SECONDS)).startsWith("injected-");
    } finally {
      threads.shutdownNow();
    }
  }
}
