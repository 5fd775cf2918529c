package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
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
    return member(Duration.ofSeconds(10));
  }

  private ZkLockManager member(Duration sessionTimeout) throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(sessionTimeout)
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
  void listenersFromTheLocksOptionsHearALocalGrantFromTheGrantOn() throws Exception {
    try (ZkLockManager member = member()) {
      List<LeaseEvent> heard = new CopyOnWriteArrayList<>();
      LockOptions options = LockOptions.builder().listener(heard::add).build();
      Lease lease = member.lock("listened", options).acquire(LockMode.EX);
      assertThat(lease).as("served by the cohort").isInstanceOf(CohortLease.class);
      lease.release();
      Awaitility.await().atMost(PATIENCE).until(() -> !heard.isEmpty());
      assertThat(heard)
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.lease()).isSameAs(lease);
                assertThat(event.from()).isEqualTo(LeaseState.GRANTED);
                assertThat(event.to()).isEqualTo(LeaseState.RELEASED);
              });
    }
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
      // Given up at release: the node goes once its delete commits (release() only sends it);
      // a cached node would stay.
      Awaitility.await().atMost(PATIENCE).until(() -> queue("alternating").isEmpty());
      cycle(second, "alternating");
      Awaitility.await().atMost(PATIENCE).until(() -> queue("alternating").isEmpty());
      // Nobody else touched the queue between two grants of `second`: caching pays again.
      cycle(second, "alternating");
      assertThat(queue("alternating")).hasSize(1);
      cycle(first, "alternating"); // takes the cached grant away with a blocking callback
    }
  }

  /**
   * The bench's cold workload, counted instead of timed: once two alternating members stopped
   * caching, a cycle costs what it costs without cohorting, the create with its listing and the
   * delete. A grant not kept beyond its holder has nobody to give way to, so it lists nothing to
   * hear of other members (a listing after every grant made it 4). Counted on the server ({@code
   * srvr}); the sessions' timeout is long enough that no ping falls into a count.
   */
  @Test
  void anUncachedColdCycleCostsTheCreateItsListingAndTheDelete() throws Exception {
    try (ZkLockManager first = member(Duration.ofSeconds(30));
        ZkLockManager second = member(Duration.ofSeconds(30))) {
      for (int i = 0; i < 4; i++) {
        cycle(first, "cold");
        cycle(second, "cold");
      }
      AtomicInteger polls = new AtomicInteger();
      Awaitility.await().atMost(PATIENCE).until(() -> queueIsEmpty("cold", polls));
      // The fourth grant of each member since caching stopped: far from a probe of caching.
      ZkLockManager[] members = {first, second};
      for (int i = 0; i < 4; i++) {
        polls.set(0);
        long before = ServerRequests.received(server);
        cycle(members[i % 2], "cold");
        // release() returns once the delete is sent: wait until it committed, counting the polls.
        Awaitility.await().atMost(PATIENCE).until(() -> queueIsEmpty("cold", polls));
        // Less the srvr that reads the count and the observer's polls.
        long requests = ServerRequests.received(server) - before - 1 - polls.get();
        assertThat(requests).as("requests of cold cycle %d", i).isEqualTo(3);
      }
    }
  }

  private boolean queueIsEmpty(String resource, AtomicInteger polls) throws Exception {
    polls.incrementAndGet();
    return queue(resource).isEmpty();
  }

  @Test
  void aLostLocalHolderDoesNotKeepTheMembersWaitersQueued() throws Exception {
    // Regression: the cohort waited for the release of a lease that LOST had ended already.
    try (ZkLockManager member = member()) {
      Lease holder = member.lock("lost").acquire(LockMode.EX);
      CompletableFuture<Lease> waiter = member.lock("lost").acquireAsync(LockMode.EX);
      List<LeaseEvent> events = new CopyOnWriteArrayList<>();
      holder.addListener(events::add);
      for (String node : queue("lost")) {
        observer.delete().forPath("/quorate/locks/lost/" + node); // an operator revokes it
      }
      Awaitility.await().atMost(PATIENCE).until(() -> holder.state() == LeaseState.LOST);
      Lease next = waiter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(next.token().isNewerThan(holder.token())).isTrue();
      holder.release(); // after LOST: nothing to do
      next.release();
      member.lock("lost").tryAcquire(LockMode.EX, PATIENCE).orElseThrow().release();
      assertThat(events).extracting(LeaseEvent::to).containsExactly(LeaseState.LOST);
    }
  }
}
