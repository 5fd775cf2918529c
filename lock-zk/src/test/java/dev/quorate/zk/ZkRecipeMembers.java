package dev.quorate.zk;

import dev.quorate.lock.LockManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;

/**
 * Members for the election and semaphore TCKs on one server, each on a Curator client of its own so
 * that a test can end its session on the server as an expiry would.
 */
final class ZkRecipeMembers implements AutoCloseable {
  private final TestingServer server;
  private final Map<LockManager, CuratorFramework> clients = new ConcurrentHashMap<>();

  ZkRecipeMembers() throws Exception {
    server = new TestingServer(true);
  }

  LockManager member() throws InterruptedException {
    CuratorFramework curator =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(5000)
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 10))
            .build();
    ZkLockManager manager =
        ZkLockManager.builder().curator(curator).connectionTimeout(Duration.ofSeconds(20)).build();
    clients.put(manager, curator);
    return manager;
  }

  /** Ends the member's session on the server; its client sees the expiry (LOST) soon after. */
  void expire(LockManager member) throws Exception {
    ServerSessions.expire(
        server.getConnectString(), clients.get(member).getZookeeperClient().getZooKeeper());
  }

  @Override
  public void close() throws java.io.IOException {
    clients.values().forEach(CuratorFramework::close);
    server.close();
  }
}
