package dev.quorate.fence;

import dev.quorate.fence.internal.LocalFenceCoordinator;
import java.time.Duration;
import java.util.Set;

/**
 * Makes the fencers of many members act as one: two members never fence one target at once (the
 * second waits and reuses the first one's outcome), at most one host-level fence is in flight per
 * cluster and per physical host, and the fence history, and with it each target's quiet time, is
 * one history that every member writes and reads and that survives restarts. The ZooKeeper
 * implementation is {@code ZkFenceCoordinator} in lock-zk; {@link #local} keeps today's rules
 * inside one process.
 *
 * <pre>{@code
 * Fencer fencer =
 *     Fencer.builder(topology, agents, guard)
 *         .coordinator(ZkFenceCoordinator.builder(curator, "cluster-1").build())
 *         .build();
 * }</pre>
 */
public interface FenceCoordinator {
  /**
   * Returns a coordinator for one process: the target claims and the one host-level fence in flight
   * hold between the fencers of this process that share it. The quiet time holds for every fencer
   * reading the same history: a {@link FenceHistory#open history file} may be shared by the
   * processes of one machine (appends and reads take an OS file lock), but the claims are not: for
   * members on several machines use the ZooKeeper coordinator.
   *
   * @param history the history this process writes
   * @return the coordinator
   */
  static FenceCoordinator local(FenceHistory history) {
    return new LocalFenceCoordinator(history);
  }

  /**
   * Returns the history every coordinated fencer writes and reads.
   *
   * @return the shared history
   */
  FenceHistory history();

  /**
   * Claims the right to fence a target, waiting while another fencer (of this member or any other)
   * works on it. The claim lists what was recorded for the target while it waited, so the caller
   * can reuse a peer's success instead of fencing twice.
   *
   * @param target the target member
   * @param timeout the longest to wait
   * @return the claim; not {@link Claim#granted()} if the wait timed out or the claim could not be
   *     taken (its explanation says why)
   * @throws InterruptedException if interrupted while waiting
   */
  Claim claimTarget(String target, Duration timeout) throws InterruptedException;

  /**
   * Claims the one host-level fence in flight of this cluster and of each of the given hosts,
   * without waiting.
   *
   * @param target the target being fenced, for explanations
   * @param hosts the hosts the level powers
   * @return the claim; not granted if another host-level fence of this cluster, or any fence of one
   *     of these hosts by any cluster, is in flight
   */
  Claim claimHosts(String target, Set<String> hosts);

  /**
   * A claim taken by {@link #claimTarget} or {@link #claimHosts}; closing a granted claim releases
   * it. Closing is idempotent.
   */
  interface Claim extends AutoCloseable {
    /**
     * Tells whether the claim was granted.
     *
     * @return true if the caller holds it
     */
    boolean granted();

    /**
     * Says who holds what when not granted, or what was claimed.
     *
     * @return the explanation
     */
    String explanation();

    /**
     * Returns the target's records appended to the history by others while this claim waited,
     * oldest first. Empty for host claims.
     *
     * @return the records
     */
    java.util.List<FenceRecord> recordedWhileWaiting();

    /** Releases the claim if granted. */
    @Override
    void close();
  }
}
