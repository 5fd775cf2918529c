package dev.quorate.bench;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.curator.framework.CuratorFramework;

/** Quorate's member for the scale workloads: waits are {@code acquireAsync}, no thread each. */
final class QuorateBulk implements BulkMember {
  private final CuratorFramework client;
  private final ZkLockManager manager;
  private final Queue<Lease> held = new ConcurrentLinkedQueue<>();

  private QuorateBulk(CuratorFramework client, ZkLockManager manager) {
    this.client = client;
    this.manager = manager;
  }

  /** Quorate as built by default (no cohorting), under the bench's root {@code /quorate/locks}. */
  static BulkMember.Library library() {
    return new BulkMember.Library() {
      @Override
      public String name() {
        return "Quorate";
      }

      @Override
      public String container(String name) {
        return "/quorate/locks/" + name; // the bench's names need no escaping
      }

      @Override
      public BulkMember newMember(BenchCluster cluster, String connectString, Duration session)
          throws InterruptedException {
        CuratorFramework client = cluster.newClient(connectString, session);
        return new QuorateBulk(client, ZkLockManager.builder().curator(client).build());
      }
    };
  }

  @Override
  public void hold(String name) throws Exception {
    Lease lease =
        manager
            .lock(name)
            .tryAcquire(LockMode.EX, Scenarios.ACQUIRE_BOUND)
            .orElseThrow(() -> new IllegalStateException("Quorate: " + name + " not granted"));
    held.add(lease);
  }

  @Override
  public CompletableFuture<Void> request(String name, Duration bound) {
    LockOptions bounded = LockOptions.builder().acquireTimeout(bound).build();
    return manager.lock(name, bounded).acquireAsync(LockMode.EX).thenAccept(held::add);
  }

  @Override
  public void releaseAll() {
    for (Lease lease; (lease = held.poll()) != null; ) {
      lease.release();
    }
  }

  @Override
  public CuratorFramework client() {
    return client;
  }

  @Override
  public void close() {
    manager.close();
    client.close();
  }
}
