package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import java.util.Objects;

/**
 * One cluster member on one physical host, as its cluster publishes it in the shared {@link
 * HostInventory}: the paper's passive node appliance carries the standby VMs of ten clusters, and
 * every one of them is an occupant of that host.
 *
 * <pre>{@code
 * Occupant standby = new Occupant("cluster-3", "db-b", "appliance", 1, Occupant.Role.STANDBY);
 * }</pre>
 *
 * @param cluster the cluster's name, unique in the inventory
 * @param member the member's name within its cluster
 * @param host the physical host it runs on now
 * @param votes its votes in its own cluster's quorum
 * @param role what it does there
 */
public record Occupant(String cluster, String member, String host, int votes, Role role) {
  /** What an occupant does in its cluster; shown in explanations so operators see the cost. */
  public enum Role {
    /** Runs the cluster's services. */
    ACTIVE,
    /** Waits to take over (a passive node). */
    STANDBY,
    /** Neither: a witness, an arbiter, a helper. */
    OTHER
  }

  /**
   * Validates.
   *
   * @param cluster the cluster name
   * @param member the member name
   * @param host the host name
   * @param votes 0 or more
   * @param role the role
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid or votes negative
   */
  public Occupant {
    OptionRules.checkName("inventory cluster", cluster);
    OptionRules.checkName("inventory member", member);
    OptionRules.checkName("inventory host of " + member, host);
    Objects.requireNonNull(role, "role");
    if (votes < 0) {
      throw new dev.quorate.lock.ConfigurationException(
          "inventory member " + cluster + "/" + member + ": votes " + votes + " is negative");
    }
  }

  /**
   * Returns {@code cluster/member}, the occupant's name across clusters.
   *
   * @return the qualified name
   */
  public String qualifiedName() {
    return cluster + "/" + member;
  }

  /**
   * Returns "cluster-3/db-b (standby, 1 vote)" for explanations.
   *
   * @return the description
   */
  public String describe() {
    return qualifiedName()
        + " ("
        + role.name().toLowerCase(java.util.Locale.ROOT)
        + ", "
        + votes
        + (votes == 1 ? " vote)" : " votes)");
  }
}
