package dev.quorate.cli;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.Occupant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The health of one cluster as a pure function of what the inventory publishes: its occupants,
 * which of them have a live session, and its newest quorate view. A cluster publishes a view only
 * while a quorate member is connected (the view node is ephemeral and withdrawn on quorum loss), so
 * no view means no quorum as far as anyone can tell.
 */
final class ClusterHealth {
  private ClusterHealth() {}

  /**
   * Judges one cluster.
   *
   * @param name the cluster
   * @param occupants its occupants (other clusters' are ignored)
   * @param connected qualified names of occupants whose session lives
   * @param view its newest published view, if any
   * @return the cluster's state, with the reason in a sentence
   */
  static Status.ClusterState judge(
      String name, List<Occupant> occupants, Set<String> connected, Optional<ClusterView> view) {
    boolean quorate = view.map(ClusterView::quorate).orElse(false);
    Set<String> partition = quorate ? view.get().partition() : Set.of();
    List<Status.MemberState> members = new ArrayList<>();
    int expected = 0;
    int inPartition = 0;
    Set<String> down = new TreeSet<>();
    Set<String> outside = new TreeSet<>();
    for (Occupant o : occupants) {
      if (!o.cluster().equals(name)) {
        continue;
      }
      boolean live = connected.contains(o.qualifiedName());
      boolean counted = partition.contains(o.member());
      members.add(
          new Status.MemberState(
              name,
              o.member(),
              o.host(),
              o.votes(),
              o.role().name().toLowerCase(Locale.ROOT),
              live,
              counted));
      expected += o.votes();
      if (counted) {
        inPartition += o.votes();
      }
      if (!live) {
        down.add(o.member());
      } else if (quorate && !counted) {
        outside.add(o.member());
      }
    }
    members.sort(java.util.Comparator.comparing(Status.MemberState::name));
    int threshold = view.map(ClusterView::threshold).orElse(0);
    Health health;
    String why;
    if (view.isEmpty()) {
      health = Health.NO_QUORUM;
      why =
          "no quorum: no connected member publishes a quorate view ("
              + (members.size() - down.size())
              + " of "
              + members.size()
              + " members connected)";
    } else if (!quorate) {
      health = Health.NO_QUORUM;
      why = "no quorum: the newest view says not quorate (threshold " + threshold + ")";
    } else {
      String votes =
          "partition "
              + String.join(", ", new TreeSet<>(partition))
              + " holds "
              + inPartition
              + " of "
              + expected
              + " member votes, threshold "
              + threshold
              + (inPartition < threshold
                  ? "; "
                      + (threshold - inPartition)
                      + " more from vote sources (quorum disk, arbiter)"
                  : "");
      if (down.isEmpty() && outside.isEmpty()) {
        health = Health.HEALTHY;
        why = "quorate: " + votes;
      } else {
        health = Health.DEGRADED;
        why =
            "quorate but degraded: "
                + votes
                + (down.isEmpty() ? "" : "; down: " + String.join(", ", down))
                + (outside.isEmpty()
                    ? ""
                    : "; outside the partition: " + String.join(", ", outside));
      }
    }
    return new Status.ClusterState(
        name, health, why, quorate, threshold, expected, inPartition, members);
  }
}
