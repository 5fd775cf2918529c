package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
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
 * The first acquisition of a lock whose container does not exist yet: the container's create rides
 * with the lock node's create and the queue listing, so it costs the server three requests instead
 * of Curator's fallback (a failed create, a check of each ancestor, the container, the node again,
 * and a listing again). Counted on the server ({@code srvr}), not timed. A container that was
 * reaped after being seen, or made by another member, still works.
 */
@Timeout(60)
class FirstAcquisitionIT {
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
        .build();
  }

  private long received() throws Exception {
    return ServerRequests.received(server);
  }

  @Test
  void aNewLockCostsTheContainerTheNodeAndTheListingInOneGo() throws Exception {
    try (ZkLockManager manager = member()) {
      // The root exists, as it does after any first lock: only the resource's container is new.
      manager.lock("warm-up").acquire(LockMode.EX).release();
      // release() returns once its delete is sent: counted here, it would be taken for the lock's.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> observer.getChildren().forPath("/quorate/locks/warm-up").isEmpty());
      long before = received();
      Lease lease = manager.lock("vm-1").acquire(LockMode.EX);
      // Less the srvr that reads the count.
      long requests = received() - before - 1;
      // Container, lock node, listing; without the container sent ahead: 8 (the failed create,
      // three ancestor checks, the container, the node, the listing that missed, the listing).
      assertThat(requests).isLessThanOrEqualTo(3);
      assertThat(observer.getChildren().forPath("/quorate/locks/vm-1")).hasSize(1);
      // Made empty: data in a container would be taken for the resource's value block.
      assertThat(observer.getData().forPath("/quorate/locks/vm-1")).isEmpty();
      lease.release();
    }
  }

  @Test
  void aContainerReapedAfterItWasSeenIsMadeAgain() throws Exception {
    try (ZkLockManager manager = member()) {
      manager.lock("vm-2").acquire(LockMode.EX).release();
      // release() returns once its delete is sent: the container is empty once that delete is in.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> observer.getChildren().forPath("/quorate/locks/vm-2").isEmpty());
      // What the server's container reaper does to an empty container.
      observer.delete().forPath("/quorate/locks/vm-2");
      Lease lease = manager.lock("vm-2").acquire(LockMode.EX);
      assertThat(observer.getChildren().forPath("/quorate/locks/vm-2")).hasSize(1);
      lease.release();
    }
  }

  @Test
  void aContainerAnotherMemberMadeIsSharedNotReplaced() throws Exception {
    try (ZkLockManager first = member();
        ZkLockManager second = member()) {
      Lease held = first.lock("vm-3").acquire(LockMode.EX);
      var waiting = second.lock("vm-3").acquireAsync(LockMode.EX);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> observer.getChildren().forPath("/quorate/locks/vm-3").size() == 2);
      assertThat(waiting).isNotDone();
      FencingToken token = held.token();
      held.release();
      Lease next = waiting.get(10, TimeUnit.SECONDS);
      assertThat(next.token().isNewerThan(token)).isTrue();
      next.release();
    }
  }
}
