package dev.quorate.bench;

import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;

/**
 * A member holding or waiting for many locks at once, one per VM, as a host does: the scale
 * workloads drive both libraries through this. Each member is its own ZooKeeper session.
 */
interface BulkMember extends AutoCloseable {
  /** Makes members of one library. */
  interface Library {
    String name();

    /** The ZooKeeper path of the container that holds lock {@code name}'s queue. */
    String container(String name);

    /**
     * A member whose client connects to {@code connectString} asking for {@code sessionTimeout}.
     */
    BulkMember newMember(BenchCluster cluster, String connectString, java.time.Duration session)
        throws Exception;
  }

  /** Takes lock {@code name} and keeps it, waiting at most {@link Scenarios#ACQUIRE_BOUND}. */
  void hold(String name) throws Exception;

  /**
   * Asks for lock {@code name} without blocking the caller; the future completes when it is granted
   * (and the lock is then kept) or fails after {@code bound}.
   */
  CompletableFuture<Void> request(String name, java.time.Duration bound);

  /** Releases every lock held (granted requests included). */
  void releaseAll() throws Exception;

  /** The member's client, for what the workload itself writes (a canary node). */
  CuratorFramework client();

  @Override
  void close();
}
