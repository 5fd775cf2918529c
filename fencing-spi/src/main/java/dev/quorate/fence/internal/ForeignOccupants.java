package dev.quorate.fence.internal;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.ForeignCollateral;
import dev.quorate.fence.HostInventory;
import dev.quorate.fence.InventoryView;
import dev.quorate.fence.Occupant;
import dev.quorate.lock.MonotonicClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The multi-cluster part of the host rule: every occupant of the hosts to be power-cycled that
 * belongs to another cluster, read from the shared inventory. An occupant is healthy unless its own
 * cluster publishes a quorate view without it (that cluster has already lost it). Healthy foreign
 * occupants are refused by default; the explicit policy allows them only if each of their clusters
 * keeps its quorum without its members on these hosts, judged from what it publishes. An inventory
 * that cannot be read, or is too old, refuses: the guard never guesses that a host is empty.
 */
final class ForeignOccupants {
  /** What the inventory says about the hosts: a refusal, or the foreign occupants to fence. */
  record Verdict(Optional<FenceDecision> refusal, List<Occupant> collateral) {}

  private final String cluster;
  private final HostInventory inventory;
  private final Duration maxAge;
  private final boolean dedicated;
  private final ForeignCollateral policy;
  private final MonotonicClock clock;

  ForeignOccupants(GuardSettings settings) {
    this.cluster = settings.cluster();
    this.inventory = settings.inventory();
    this.maxAge = settings.inventoryMaxAge();
    this.dedicated = settings.dedicatedHosts();
    this.policy = settings.foreignCollateral();
    this.clock = settings.nanoClock();
  }

  Verdict judge(Set<String> hosts, String arithmetic, DecisionReads reads) {
    if (inventory == null) {
      if (dedicated) {
        return new Verdict(Optional.empty(), List.of());
      }
      return refuse(
          FenceReason.REFUSED_INVENTORY_UNAVAILABLE,
          arithmetic
              + "; but no host inventory is configured and the hosts are not declared dedicated"
              + " to this cluster, so members of other clusters on "
              + hosts
              + " would be invisible");
    }
    InventoryView view;
    try {
      view = reads.inventory();
    } catch (RuntimeException e) {
      return refuse(
          FenceReason.REFUSED_INVENTORY_UNAVAILABLE,
          arithmetic + "; but the host inventory " + inventory.name() + " cannot be read: " + e);
    }
    long age = clock.nanoTime() - view.readNanos();
    if (age > maxAge.toNanos()) {
      return refuse(
          FenceReason.REFUSED_INVENTORY_UNAVAILABLE,
          arithmetic
              + "; but the host inventory read is "
              + Duration.ofNanos(age).toMillis()
              + " ms old, over the bound of "
              + maxAge.toMillis()
              + " ms");
    }
    List<Occupant> foreign =
        view.occupantsOn(hosts).stream().filter(o -> !o.cluster().equals(cluster)).toList();
    List<Occupant> healthy = foreign.stream().filter(o -> healthy(o, view)).toList();
    if (healthy.isEmpty()) {
      return new Verdict(Optional.empty(), foreign);
    }
    String names = healthy.stream().map(Occupant::describe).collect(Collectors.joining(", "));
    if (policy == ForeignCollateral.REFUSE) {
      return refuse(
          FenceReason.REFUSED_FOREIGN_COLLATERAL,
          arithmetic
              + "; but "
              + hosts
              + " also carry healthy members of other clusters: "
              + names
              + ", and the foreign-collateral policy is REFUSE");
    }
    for (String other : healthy.stream().map(Occupant::cluster).distinct().toList()) {
      Optional<String> cost = quorumCost(other, hosts, view);
      if (cost.isPresent()) {
        return refuse(
            FenceReason.REFUSED_FOREIGN_COLLATERAL,
            arithmetic + "; but it also takes " + names + ": " + cost.get());
      }
    }
    return new Verdict(Optional.empty(), foreign);
  }

  /** Healthy unless its own cluster publishes a quorate view that no longer holds it. */
  private static boolean healthy(Occupant occupant, InventoryView view) {
    Optional<ClusterView> own = view.cluster(occupant.cluster());
    return own.isEmpty()
        || !own.get().quorate()
        || own.get().partition().contains(occupant.member());
  }

  /** Why the other cluster would lose quorum without its members on the hosts, or empty. */
  private static Optional<String> quorumCost(String other, Set<String> hosts, InventoryView view) {
    Optional<ClusterView> published = view.cluster(other);
    if (published.isEmpty() || !published.get().quorate()) {
      return Optional.of(
          "cluster " + other + " publishes no quorate view, so its quorum without them is unknown");
    }
    ClusterView clusterView = published.get();
    int votes = 0;
    List<String> survivors = new ArrayList<>();
    for (Occupant o : view.occupants()) {
      if (o.cluster().equals(other)
          && clusterView.partition().contains(o.member())
          && !hosts.contains(o.host())) {
        votes += o.votes();
        survivors.add(o.member());
      }
    }
    if (votes >= clusterView.threshold()) {
      return Optional.empty();
    }
    return Optional.of(
        "cluster "
            + other
            + " would keep "
            + survivors
            + " with "
            + votes
            + " of the "
            + clusterView.threshold()
            + " votes its quorum needs");
  }

  private static Verdict refuse(FenceReason reason, String explanation) {
    return new Verdict(Optional.of(FenceDecision.refuse(reason, explanation)), List.of());
  }
}
