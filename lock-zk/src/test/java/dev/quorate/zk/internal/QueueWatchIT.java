package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watch that a request's create leaves on the queue (its listing's): kept by a request that the
 * listing granted, dropped from the client's watch table by one that waits, which heard of its
 * node's deletion through its own-node watch anyway once granted (by a wake-up or by a later
 * listing). A deletion by anyone else still makes such a holder LOST.
 */
@Timeout(120)
class QueueWatchIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private TestingServer server;
  private CuratorFramework observer;
  private CuratorFramework waiterClient;
  private ZkLockManager first;
  private ZkLockManager second;
  private ZkLockManager waiter;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    observer = client();
    waiterClient = client();
    first = ZkLockManager.builder().curator(client()).build();
    second = ZkLockManager.builder().curator(client()).build();
    waiter = ZkLockManager.builder().curator(waiterClient).build();
  }

  @AfterEach
  void stop() throws Exception {
    waiter.close();
    second.close();
    first.close();
    waiterClient.close();
    observer.close();
    server.close();
  }

  private CuratorFramework client() throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    client.start();
    client.blockUntilConnected(20, TimeUnit.SECONDS);
    return client;
  }

  private static String container(String resource) {
    return "/quorate/locks/" + resource;
  }

  /** The paths whose children the waiter's ZooKeeper client watches (its own watch table). */
  @SuppressWarnings("unchecked")
  private List<String> waiterWatchesChildrenOf() throws Exception {
    ZooKeeper zk = waiterClient.getZookeeperClient().getZooKeeper();
    Method childWatches = ZooKeeper.class.getDeclaredMethod("getChildWatches");
    childWatches.setAccessible(true);
    return (List<String>) childWatches.invoke(zk);
  }

  /** The path of the lock node whose czxid is {@code lease}'s token. */
  private String nodeOf(String resource, Lease lease) throws Exception {
    for (String child : observer.getChildren().forPath(container(resource))) {
      Stat stat = observer.checkExists().forPath(container(resource) + "/" + child);
      if (stat != null && stat.getCzxid() == lease.token().major()) {
        return container(resource) + "/" + child;
      }
    }
    throw new AssertionError("no node of " + lease + " under " + container(resource));
  }

  /** Deletes {@code granted}'s node as an operator would: the lease must be LOST. */
  private void deletedByAnotherIsLost(String resource, Lease granted) throws Exception {
    assertThat(granted.state()).isEqualTo(LeaseState.GRANTED);
    observer.delete().forPath(nodeOf(resource, granted));
    await().atMost(PATIENCE).until(() -> granted.state() == LeaseState.LOST);
  }

  @Test
  void aRequestGrantedByItsCreatesListingKeepsTheQueueWatch() throws Exception {
    Lease held = waiter.lock("alone").acquire(LockMode.EX);
    assertThat(waiterWatchesChildrenOf()).contains(container("alone"));
    deletedByAnotherIsLost("alone", held);
  }

  @Test
  void aWaiterWokenByTheDeletionDropsTheQueueWatchAndStillHearsItsNodesDeletion() throws Exception {
    Lease holder = first.lock("woken").acquire(LockMode.EX);
    CompletableFuture<Lease> waiting = waiter.lock("woken").acquireAsync(LockMode.EX);
    await()
        .atMost(PATIENCE)
        .alias("the waiter's client still watches the queue")
        .failFast("granted while the holder held", waiting::isDone)
        .until(() -> !waiterWatchesChildrenOf().contains(container("woken")));
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    deletedByAnotherIsLost("woken", granted);
  }

  @Test
  void aWaiterGrantedByALaterListingDropsTheQueueWatchAndStillHearsItsNodesDeletion()
      throws Exception {
    // Two holders ahead: the nearest one's deletion alone does not grant; the waiter lists again.
    Lease older = first.lock("listed").acquire(LockMode.PR);
    Lease nearest = second.lock("listed").acquire(LockMode.PR);
    CompletableFuture<Lease> waiting = waiter.lock("listed").acquireAsync(LockMode.EX);
    await()
        .atMost(PATIENCE)
        .alias("the waiter's client still watches the queue")
        .failFast("granted while two held", waiting::isDone)
        .until(() -> !waiterWatchesChildrenOf().contains(container("listed")));
    nearest.release();
    older.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    deletedByAnotherIsLost("listed", granted);
  }
}
