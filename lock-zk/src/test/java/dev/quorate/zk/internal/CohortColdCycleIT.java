package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bench's cold workload with cohorting, counted instead of timed: two members take one lock in
 * turn, each acquisition after the other member's delete committed. Once the members stopped
 * caching the lock ({@link GrantCaching}), a cycle costs what it costs without cohorting: the
 * create with its listing and the delete. A grant that is not kept beyond its holder has nothing to
 * hear of other members, so it lists nothing more. Counted on the server ({@code srvr}).
 */
@Timeout(120)
class CohortColdCycleIT {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String RESOURCE = "cold";
  private TestingServer server;
  private CuratorFramework observer;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    observer = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    observer.start();
    observer.blockUntilConnected();
  }

  @AfterEach
  void stop() throws Exception {
    observer.close();
    server.close();
  }

  private ZkLockManager member() throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(30))
        .cohorting(true)
        .build();
  }

  private static void cycle(ZkLockManager member) throws Exception {
    member.lock(RESOURCE).tryAcquire(LockMode.EX, PATIENCE).orElseThrow().release();
  }

  @Test
  void anUncachedColdCycleCostsTheCreateItsListingAndTheDelete() throws Exception {
    try (ZkLockManager first = member();
        ZkLockManager second = member()) {
      // Alternating, each grant serves one holder and then goes to the other member: both stop
      // caching the lock (CohortCachingIT shows the transition).
      for (int i = 0; i < 4; i++) {
        cycle(first);
        cycle(second);
      }
      AtomicInteger polls = new AtomicInteger();
      await().atMost(PATIENCE).until(() -> queueIsEmpty(polls));
      // The fourth grant of each member since caching stopped: far from a probe of caching.
      ZkLockManager[] members = {first, second};
      for (int i = 0; i < 4; i++) {
        polls.set(0);
        long before = ServerRequests.received(server);
        cycle(members[i % 2]);
        // release() returns once the delete is sent: wait until it committed, counting the polls.
        await().atMost(PATIENCE).until(() -> queueIsEmpty(polls));
        // Less the srvr that reads the count and the observer's polls.
        long requests = ServerRequests.received(server) - before - 1 - polls.get();
        // Create, listing (sent together), delete; a listing after the grant made it 4.
        assertThat(requests).as("requests of cold cycle %d", i).isEqualTo(3);
      }
    }
  }

  private boolean queueIsEmpty(AtomicInteger polls) throws Exception {
    polls.incrementAndGet();
    return observer.getChildren().forPath("/quorate/locks/" + RESOURCE).isEmpty();
  }
}
