package dev.quorate.bench;

import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;

/** A member using Quorate's ZooKeeper lock manager on a Curator client of its own. */
final class QuorateMember implements Member {
  private final CuratorFramework client;
  private final ZkLockManager manager;
  private final Map<String, Lock> locks = new ConcurrentHashMap<>();

  QuorateMember(CuratorFramework client, ZkLockManager manager) {
    this.client = client;
    this.manager = manager;
  }

  @Override
  public Held acquire(String name) throws Exception {
    Lock lock = locks.computeIfAbsent(name, manager::lock);
    Lease lease =
        lock.tryAcquire(LockMode.EX, Scenarios.ACQUIRE_BOUND)
            .orElseThrow(() -> new IllegalStateException("Quorate: " + name + " not granted"));
    return lease::release;
  }

  @Override
  public void close() {
    manager.close();
    client.close();
  }
}
