package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * A request withdrawn while its create is in flight: the server made the node, but its reply has
 * not reached the lease yet. The reply is held back by keeping the client's event thread (where
 * Curator delivers background replies) busy; the withdrawal is applied on the manager's only pool
 * thread meanwhile. When the reply comes, the node must be deleted: nobody waits on it, and left
 * behind it would block every later request on the lock until the session ends.
 */
@Timeout(60)
class CreateInFlightIT {
  private static final String CONTAINER = "/quorate/locks/r";
  private TestingServer server;
  private CuratorFramework client;
  private CuratorFramework observer;
  private ExecutorService pool;
  private ZkLockManager manager;
  private final CountDownLatch repliesHeld = new CountDownLatch(1);
  private final CountDownLatch releaseReplies = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    client = started();
    observer = started();
    pool = Executors.newSingleThreadExecutor();
    manager = ZkLockManager.builder().curator(client).executor(pool).build();
  }

  private CuratorFramework started() throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    c.start();
    c.blockUntilConnected(20, TimeUnit.SECONDS);
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    releaseReplies.countDown();
    manager.close();
    pool.shutdownNow();
    observer.close();
    client.close();
    server.close();
  }

  /** Keeps the client's event thread busy: replies to later requests wait behind it. */
  private void holdReplies() throws Exception {
    client
        .checkExists()
        .inBackground(
            (c, event) -> {
              repliesHeld.countDown();
              releaseReplies.await();
            })
        .forPath("/");
    repliesHeld.await();
  }

  /** Runs after every task already on the manager's only pool thread (a withdrawal, say). */
  private void drainPool() throws Exception {
    pool.submit(() -> {}).get(10, TimeUnit.SECONDS);
  }

  private List<String> queue() throws Exception {
    return observer.checkExists().forPath(CONTAINER) == null
        ? List.of()
        : observer.getChildren().forPath(CONTAINER);
  }

  @Test
  void anAsyncRequestCancelledWhileItsCreateIsInFlightLeavesNoNode() throws Exception {
    holdReplies();
    CompletableFuture<Lease> request = manager.lock("r").acquireAsync(LockMode.EX);
    await().atMost(Duration.ofSeconds(20)).until(() -> queue().size() == 1); // made by the server
    assertThat(request).isNotDone();

    request.cancel(true);
    drainPool(); // the withdrawal is applied before the create's reply is heard
    releaseReplies.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> queue().isEmpty());
    // The lock is free for the next requester.
    Lease next = manager.lock("r").acquire(LockMode.EX);
    assertThat(queue()).hasSize(1);
    next.release();
  }

  @Test
  void aBlockingRequestInterruptedWhileItsCreateIsInFlightLeavesNoNode() throws Exception {
    holdReplies();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread requester =
        new Thread(
            () -> {
              try {
                manager.lock("r").acquire(LockMode.EX).release();
                outcome.complete(null);
              } catch (Throwable e) {
                outcome.complete(e);
              }
            });
    requester.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> queue().size() == 1);

    requester.interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    drainPool();
    releaseReplies.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> queue().isEmpty());
  }
}
