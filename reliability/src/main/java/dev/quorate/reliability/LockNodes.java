package dev.quorate.reliability;

import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;

/** Counts lock nodes left in the ensemble after every client has stopped. */
final class LockNodes {
  static final String ROOT = "/quorate/locks";

  private LockNodes() {}

  /**
   * Waits until no lock node is left, at most until every session the clients ever had must have
   * expired (the ensemble deletes an ephemeral node only then); returns the count at the end.
   */
  static int awaitNone(String connect, Duration session) throws Exception {
    try (CuratorFramework zk =
        CuratorFrameworkFactory.newClient(
            connect, 10_000, 10_000, new BoundedExponentialBackoffRetry(100, 1000, 20))) {
      zk.start();
      if (!zk.blockUntilConnected(60, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("cannot connect to " + connect + " to count lock nodes");
      }
      long deadline = System.nanoTime() + session.multipliedBy(3).plusSeconds(10).toNanos();
      int left = count(zk);
      while (left > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200); // polling the ensemble's state
        left = count(zk);
      }
      return left;
    }
  }

  private static int count(CuratorFramework zk) throws Exception {
    if (zk.checkExists().forPath(ROOT) == null) {
      return 0;
    }
    int n = 0;
    List<String> containers = zk.getChildren().forPath(ROOT);
    for (String c : containers) {
      n += zk.getChildren().forPath(ROOT + "/" + c).size();
    }
    return n;
  }
}
