package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ZkLease#abandon} is called by the quorum gate on a thread that lost its quorum, often an
 * interrupted one: it must hand the abandonment to the lease's steps and return, never wait for
 * them. Here the steps are kept busy by a step queued behind a latch on the manager's only pool
 * thread; abandon must return while that latch is still closed, and the lease must end as LOST once
 * the steps run. (A waiting abandon would block here for the operation timeout, five minutes, so
 * the test's timeout fails it.)
 */
@Timeout(60)
class ZkLeaseAbandonIT {
  private TestingServer server;
  private CuratorFramework client;
  private ExecutorService pool;
  private ZkLockManager manager;
  private final CountDownLatch open = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    client = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    client.start();
    client.blockUntilConnected(20, TimeUnit.SECONDS);
    pool = Executors.newSingleThreadExecutor();
    manager =
        ZkLockManager.builder()
            .connectString(server.getConnectString())
            .connectionTimeout(Duration.ofMinutes(5))
            .executor(pool)
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    open.countDown();
    manager.close();
    pool.shutdownNow();
    client.close();
    server.close();
  }

  @Test
  void abandonReturnsWhileTheLeasesStepsAreBusyAndTheLeaseEndsLostOnceTheyRun() throws Exception {
    Lease lease = manager.lock("r").acquire(LockMode.EX);
    String node = client.getChildren().forPath("/quorate/locks/r").get(0);
    CountDownLatch poolBlocked = new CountDownLatch(1);
    pool.execute(
        () -> {
          poolBlocked.countDown();
          try {
            open.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    poolBlocked.await();
    // A step of the lease (a conversion to the mode it holds) now waits behind the latch.
    var conversion = lease.convertAsync(LockMode.EX);

    ((ZkLease) lease).abandon("quorum lost (test)");

    assertThat(open.getCount()).as("the latch is still closed").isEqualTo(1);
    assertThat(lease.state()).as("no step ran yet").isEqualTo(LeaseState.GRANTED);
    open.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> lease.state() == LeaseState.LOST);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.checkExists().forPath("/quorate/locks/r/" + node) == null);
    assertThat(conversion).succeedsWithin(Duration.ofSeconds(30));
  }
}
