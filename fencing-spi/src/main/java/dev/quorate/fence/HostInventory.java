package dev.quorate.fence;

/**
 * The host inventory shared by every cluster of a data center: per physical host, which members of
 * which clusters run there, and each cluster's quorum as it publishes it. A cluster's guard sees
 * only its own members; the inventory lets it count every occupant of a host it would power-cycle,
 * so cluster 1 never kills the standbys of clusters 2 to 10 that share the passive node appliance.
 * The ZooKeeper implementation is {@code ZkHostInventory} in lock-zk; tests use a lambda.
 *
 * <p>A read that fails, or is older than the guard's bound, makes the guard refuse every host-level
 * action: it never guesses that a host is empty.
 *
 * <pre>{@code
 * TopologyFenceGuard guard =
 *     TopologyFenceGuard.builder(policy, quorum::state)
 *         .member("node-a", 1)
 *         .member("node-b", 2)
 *         .inventory("cluster-1", inventory)
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface HostInventory {
  /**
   * Reads the inventory as it is now. Must be bounded in time.
   *
   * @return every occupant and cluster view, stamped with the guard's monotonic clock
   * @throws dev.quorate.lock.QuorateException if the inventory cannot be read
   */
  InventoryView read();

  /**
   * Returns a name for explanations and logs.
   *
   * @return the name; by default the implementing class's simple name
   */
  default String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() || simple.contains("$$Lambda") ? "host inventory" : simple;
  }
}
