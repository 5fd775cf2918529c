package dev.quorate.zk;

import dev.quorate.lock.LockManager;

/**
 * A {@link LockManager} on ZooKeeper: a single lock manager (one server), a redundant one (an
 * ensemble of 3 or 5 dedicated servers) or a distributed one (an {@link EmbeddedPeer} in every
 * cluster member). Leases carry the lock node's {@code czxid} as their fencing token and follow the
 * ZooKeeper session: SUSPECT as soon as the connection is suspended, GRANTED again if it comes back
 * within the session, LOST when the session expires or the lock node is deleted.
 *
 * <pre>{@code
 * try (ZkLockManager manager = ZkLockManager.builder()
 *     .connectString("zk1:2181,zk2:2181,zk3:2181")
 *     .sessionTimeout(Duration.ofSeconds(10))
 *     .build()) {
 *   try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
 *     guard.access(lease.token(), () -> volume.write(data));
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface ZkLockManager extends LockManager {
  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  static ZkLockManagerBuilder builder() {
    return new ZkLockManagerBuilder();
  }
}
