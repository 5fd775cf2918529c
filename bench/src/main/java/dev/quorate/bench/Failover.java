package dev.quorate.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * A host carrying N VMs dies: its member holds one lock per VM; a survivor waits for all N. The
 * holder's connection is cut as a dead host's would be (nothing is deleted), so its session expires
 * on the server after the session timeout and its lock nodes go with it; the survivor must then be
 * granted all N. Timed from the server-side expiry to the last grant. The expiry is seen as the
 * deletion of a canary ephemeral node of the holder's session by a third client, or as the first
 * grant if that comes earlier: the server sends the expiry's notifications to each watching client
 * in turn, so the survivor may hear of its own nodes' deletion before the third client hears of the
 * canary's, and a grant would then seem to come before the expiry.
 */
final class Failover {
  static final String TITLE = "bulk failover (a host holding N locks dies)";

  private Failover() {}

  static ScalePoint run(
      BenchCluster cluster, BulkMember.Library library, int n, Duration session, String run)
      throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("failover-" + run + "-" + n + "-" + i);
    }
    try (CutProxy proxy = new CutProxy(cluster.follower());
        BulkMember holder = library.newMember(cluster, proxy.connectString(), session);
        BulkMember survivor =
            library.newMember(cluster, cluster.follower(), Duration.ofSeconds(10));
        CuratorFramework observer = cluster.newClient()) {
      observer.start();
      observer.blockUntilConnected();
      for (String name : names) {
        holder.hold(name);
      }
      long negotiated = holder.client().getZookeeperClient().getZooKeeper().getSessionTimeout();
      String canary =
          holder
              .client()
              .create()
              .creatingParentContainersIfNeeded()
              .withMode(CreateMode.EPHEMERAL)
              .forPath("/bench/canary/" + library.name() + "-" + run + "-" + n);
      long[] grantedAt = new long[n];
      List<CompletableFuture<Void>> grants = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        grants.add(
            survivor
                .request(names.get(i), Scenarios.ACQUIRE_BOUND.plusMillis(negotiated))
                .thenRun(() -> grantedAt[index] = System.nanoTime()));
      }
      Queue<String> unqueued = new ArrayDeque<>(names.stream().map(library::container).toList());
      Waits.until(
          () -> HeapPerLock.queuedBehindHolder(observer, unqueued),
          Scenarios.ACQUIRE_BOUND,
          "N requests");
      AtomicLong expiredAt = new AtomicLong();
      CountDownLatch expired = new CountDownLatch(1);
      Watcher onExpiry =
          (WatchedEvent event) -> {
            if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
              expiredAt.set(System.nanoTime());
              expired.countDown();
            }
          };
      if (observer.checkExists().usingWatcher(onExpiry).forPath(canary) == null) {
        throw new IllegalStateException("canary " + canary + " gone before the cut");
      }
      long requestsBefore = cluster.requestsReceived();
      long cutAt = System.nanoTime();
      proxy.cut();
      if (!expired.await(negotiated + 30_000, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the holder's session did not expire");
      }
      CompletableFuture.allOf(grants.toArray(CompletableFuture[]::new))
          .get(Scenarios.ACQUIRE_BOUND.toNanos() + negotiated * 1_000_000, TimeUnit.NANOSECONDS);
      long requests = cluster.requestsReceived() - requestsBefore;
      long expiry = Math.min(expiredAt.get(), Arrays.stream(grantedAt).min().orElseThrow());
      long[] afterExpiry = new long[n];
      for (int i = 0; i < n; i++) {
        afterExpiry[i] = grantedAt[i] - expiry;
      }
      Arrays.sort(afterExpiry);
      double allMillis = afterExpiry[n - 1] / 1e6;
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("session timeout ms", (double) negotiated);
      figures.put("cut to expiry ms", (expiry - cutAt) / 1e6);
      figures.put("expiry to all granted ms", allMillis);
      figures.put("cut to all granted ms", (afterExpiry[n - 1] + expiry - cutAt) / 1e6);
      figures.put("p50 grant after expiry ms", ScalePoint.percentileMillis(afterExpiry, 0.50));
      figures.put("p99 grant after expiry ms", ScalePoint.percentileMillis(afterExpiry, 0.99));
      figures.put("ZK requests per lock", requests / (double) n);
      survivor.releaseAll();
      return new ScalePoint(
          TITLE,
          library.name(),
          n,
          n / (allMillis / 1e3),
          ScalePoint.percentileMillis(afterExpiry, 0.99),
          figures);
    }
  }
}
