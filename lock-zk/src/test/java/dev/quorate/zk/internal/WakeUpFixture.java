package dev.quorate.zk.internal;

import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A server, an observer and three lock managers, for the tests of the wake-up of waiting requests
 * ({@link LeaseMachine#deletionGrants}). A test waits until the server holds the waiter's watches
 * on the nodes it waits for (the {@code wchp} command), so the wake-up is armed when they go.
 */
abstract class WakeUpFixture {
  static final Duration PATIENCE = Duration.ofSeconds(30);
  TestingServer server;
  CuratorFramework observer;
  ZkLockManager first;
  ZkLockManager second;
  ZkLockManager waiter;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    observer = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    observer.start();
    observer.blockUntilConnected(20, TimeUnit.SECONDS);
    first = manager();
    second = manager();
    waiter = manager();
  }

  @AfterEach
  void stop() throws Exception {
    waiter.close();
    second.close();
    first.close();
    observer.close();
    server.close();
  }

  ZkLockManager manager() throws InterruptedException {
    return manager(server.getConnectString());
  }

  static ZkLockManager manager(String connectString) throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(connectString)
        .sessionTimeout(Duration.ofSeconds(10))
        .build();
  }

  static String container(String resource) {
    return "/quorate/locks/" + resource;
  }

  /** The path of the lock node whose czxid is {@code lease}'s token. */
  String nodeOf(String resource, Lease lease) throws Exception {
    for (String child : observer.getChildren().forPath(container(resource))) {
      Stat stat = observer.checkExists().forPath(container(resource) + "/" + child);
      if (stat != null && stat.getCzxid() == lease.token().major()) {
        return container(resource) + "/" + child;
      }
    }
    throw new AssertionError("no node of " + lease + " under " + container(resource));
  }

  List<String> children(String resource) throws Exception {
    return observer.getChildren().forPath(container(resource));
  }

  /** Waits until {@code sessions} sessions watch {@code path} on the server. */
  void awaitWatched(String path, int sessions) {
    await().atMost(PATIENCE).until(() -> watchers(path) >= sessions);
  }

  /** As {@link #awaitWatched}, failing at once if {@code waiting} is granted meanwhile. */
  void awaitWatchedWhileWaiting(String path, int sessions, CompletableFuture<Lease> waiting) {
    await()
        .atMost(PATIENCE)
        .failFast("the waiter was granted by the deletion alone", waiting::isDone)
        .until(() -> watchers(path) >= sessions);
  }

  /** How many sessions watch {@code path}. */
  int watchers(String path) throws Exception {
    return ServerWatches.watchers(server, path);
  }

  /** The path of the conversion node of the lease at {@code resource}. */
  String conversionNode(String resource) throws Exception {
    return children(resource).stream()
        .filter(name -> name.contains("+"))
        .map(name -> container(resource) + "/" + name)
        .findFirst()
        .orElseThrow();
  }

  /**
   * Queues the waiter's EX request (the {@code queued}th node) and waits until it watches the node
   * of {@code nearest} (whose holder watches it too).
   */
  CompletableFuture<Lease> waitingBehind(String resource, Lease nearest, int queued)
      throws Exception {
    CompletableFuture<Lease> waiting = waiter.lock(resource).acquireAsync(LockMode.EX);
    await().atMost(PATIENCE).until(() -> children(resource).size() == queued);
    awaitWatched(nodeOf(resource, nearest), 2);
    return waiting;
  }

  String nodeOfUnchecked(String resource, Lease lease) {
    try {
      return nodeOf(resource, lease);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
