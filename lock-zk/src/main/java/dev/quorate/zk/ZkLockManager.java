package dev.quorate.zk;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockTimeoutException;
import java.time.Duration;
import java.util.List;

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
 * <p>Closing the manager turns every lease still held LOST and deletes its lock node. On a lock
 * with a {@link dev.quorate.lock.RecoveryGate} the holder's record stays: other threads may still
 * use the resource, so the next holder waits for the gate as for any lost holder. Release gated
 * leases before closing.
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

  /**
   * Acquires {@code mode} on every one of {@code resources}, all or nothing. The requests are
   * queued in one ZooKeeper transaction ({@code multi()}): every queue gets its request at the same
   * moment, so any other request on these resources is older than all of them or newer than all of
   * them. Two callers asking for overlapping sets, in whatever order they list them, therefore wait
   * for each other in the same order on every resource and cannot deadlock. The call returns once
   * every request is granted; until then it holds nothing the caller can see. If not all are
   * granted within {@code timeout}, or the call fails or is interrupted, every request is withdrawn
   * and every lease granted meanwhile released: the caller gets all leases or none.
   *
   * <p>The requests wait like single ones: one granted early already blocks others on its resource
   * while the rest wait. Each lease is an ordinary lease of its resource (own token, state,
   * listeners; release each, or close them all). With cohorting on, these requests still get lock
   * nodes of their own.
   *
   * <pre>{@code
   * List<Lease> leases = manager.acquireAll(
   *     List.of("volume/7", "volume/9"), LockMode.EX, Duration.ofSeconds(10));
   * try {
   *   moveBlocks(leases.get(0).token(), leases.get(1).token());
   * } finally {
   *   leases.forEach(Lease::release);
   * }
   * }</pre>
   *
   * @param resources the resources, each at most once; at least one
   * @param mode the mode to hold on each
   * @param timeout how long to wait for all grants
   * @return the leases, in the order of {@code resources}
   * @throws InterruptedException if interrupted while waiting; nothing is kept
   * @throws LockTimeoutException if not all were granted within {@code timeout}; nothing is kept
   * @throws IllegalArgumentException if {@code resources} is empty, names a resource twice or an
   *     invalid name, or {@code timeout} is negative
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#CLOSED} if the
   *     manager is closed, or another code if ZooKeeper fails
   */
  List<Lease> acquireAll(List<String> resources, LockMode mode, Duration timeout)
      throws InterruptedException;
}
