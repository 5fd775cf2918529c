package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.RecoveryGate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Why the recovery gate exists, and what the ZooKeeper manager does with it today: without a gate,
 * a member whose session ended loses its lock to the next waiter at once, while it may still be
 * running and writing; storage that checks no fencing token then has two writers.
 */
@Timeout(60)
class RecoveryGateIT {
  private static final Duration SESSION = Duration.ofSeconds(10);
  private static TestingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws java.io.IOException {
    server.close();
  }

  private static CuratorFramework curator() {
    CuratorFramework curator =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(Math.toIntExact(SESSION.toMillis()))
            .retryPolicy(new RetryOneTime(100))
            .build();
    curator.start();
    return curator;
  }

  private static ZkLockManager manager(CuratorFramework curator) throws InterruptedException {
    return ZkLockManager.builder().curator(curator).build();
  }

  @Test
  void withoutTheGateBIsGrantedBeforeAnyFence() throws Exception {
    try (CuratorFramework curatorA = curator();
        CuratorFramework curatorB = curator();
        ZkLockManager a = manager(curatorA);
        ZkLockManager b = manager(curatorB)) {
      AtomicInteger blocked = new AtomicInteger();
      Lease held =
          a.lock(
                  "no-gate",
                  LockOptions.builder()
                      .onBlocking((lease, wanted) -> blocked.incrementAndGet())
                      .build())
              .acquire(LockMode.EX);
      CompletableFuture<Lease> waiting = b.lock("no-gate").acquireAsync(LockMode.EX);
      await().atMost(Duration.ofSeconds(10)).until(() -> blocked.get() > 0);
      assertThat(waiting).isNotDone();

      expireOnServer(curatorA.getZookeeperClient().getZooKeeper());

      // Nobody fenced A, nobody confirmed it down, its self-fence deadline has not passed: yet B
      // holds the lock. This is the grant the recovery gate withholds.
      Lease granted = waiting.get(SESSION.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);
      granted.release();
    }
  }

  @Test
  void aGatedLockIsRefusedRatherThanIgnored() throws Exception {
    RecoveryGate never = (owner, heldSince, lostAtNanos) -> false;
    try (CuratorFramework curator = curator();
        ZkLockManager manager = manager(curator)) {
      assertThatThrownBy(
              () -> manager.lock("gated", LockOptions.builder().recoveryGate(never).build()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("recoveryGate is not supported")
          .hasMessageContaining("'gated'");
    }
  }

  /** Ends a session on the server, as its expiry would: a second handle joins it and closes. */
  private static void expireOnServer(ZooKeeper victim) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper intruder =
        new ZooKeeper(
            server.getConnectString(),
            Math.toIntExact(SESSION.toMillis()),
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            victim.getSessionId(),
            victim.getSessionPasswd());
    try {
      assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      intruder.close();
    }
  }
}
