package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import java.util.Set;

/**
 * What one cluster publishes of its own quorum in the shared {@link HostInventory}: whether the
 * publisher's partition is quorate, its threshold, and which members it holds. Another cluster's
 * guard judges from it whether power-cycling a shared host would cost this cluster its quorum, and
 * whether an occupant that this cluster already lost is still healthy.
 *
 * <pre>{@code
 * ClusterView view = new ClusterView("cluster-2", true, 1, Set.of("web-a"));
 * }</pre>
 *
 * @param cluster the cluster's name
 * @param quorate whether the publishing partition is quorate
 * @param threshold the votes its quorum needs now
 * @param partition the members of the publishing partition, by name
 */
public record ClusterView(String cluster, boolean quorate, int threshold, Set<String> partition) {
  /**
   * Validates and copies.
   *
   * @param cluster the cluster name
   * @param quorate whether quorate
   * @param threshold at least 1
   * @param partition member names
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid or the threshold below 1
   */
  public ClusterView {
    OptionRules.checkName("inventory cluster", cluster);
    partition.forEach(m -> OptionRules.checkName("inventory partition member", m));
    partition = Set.copyOf(partition);
    if (threshold < 1) {
      throw new dev.quorate.lock.ConfigurationException(
          "inventory cluster " + cluster + ": threshold " + threshold + " is below 1");
    }
  }
}
