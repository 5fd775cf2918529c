package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a member keeps its grant after the last local release: while that pays (the member comes
 * back to the lock before anyone else), and not while every grant goes to another member next.
 * Observed in ZooKeeper: a kept grant is a lock node that stays after the release.
 */
@Timeout(60)
class CohortCachingIT {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private TestingServer server;
  private CuratorFramework observer;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    observer = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    observer.start();
  }

  @AfterEach
  void stop() throws Exception {
    observer.close();
    server.close();
  }

  private ZkLockManager member() throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(10))
        .cohorting(true)
        .build();
  }

  private List<String> queue(String resource) throws Exception {
    return observer.getChildren().forPath("/quorate/locks/" + resource);
  }

  private static void cycle(ZkLockManager member, String resource) throws Exception {
    member.lock(resource).tryAcquire(LockMode.EX, PATIENCE).orElseThrow().release();
  }

  @Test
  void keepsTheGrantWhileOnlyThisMemberUsesTheLock() throws Exception {
    try (ZkLockManager member = member()) {
      for (int i = 0; i < 5; i++) {
        cycle(member, "alone");
        assertThat(queue("alone")).as("cached after release %d", i).hasSize(1);
      }
    }
  }

  @Test
  void stopsCachingWhenMembersAlternateAndStartsAgainWhenOneIsLeftAlone() throws Exception {
    try (ZkLockManager first = member();
        ZkLockManager second = member()) {
      // Each grant serves one holder, then the other member needs a callback to get it.
      for (int i = 0; i < 4; i++) {
        cycle(first, "alternating");
        cycle(second, "alternating");
      }
      cycle(first, "alternating");
      assertThat(queue("alternating")).as("given up at release: nothing cached").isEmpty();
      cycle(second, "alternating");
      assertThat(queue("alternating")).isEmpty();
      // Nobody else touched the queue between two grants of `second`: caching pays again.
      cycle(second, "alternating");
      assertThat(queue("alternating")).hasSize(1);
      cycle(first, "alternating"); // takes the cached grant away with a blocking callback
    }
  }
}
