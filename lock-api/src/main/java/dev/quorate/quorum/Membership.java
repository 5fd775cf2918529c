package dev.quorate.quorum;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;

/**
 * What one member currently sees: the members in its partition, which of them report themselves
 * quorate, and which {@link VoteSource}s currently give their votes to this partition. Input to
 * {@link QuorumPolicy#evaluate}.
 *
 * <p>{@code quorateReporters} carries corosync's rule that a member joining a partition which is
 * already quorate does not have to wait for all votes again (wait_for_all): a membership source
 * that can see its peers' state (lock-zk can publish it in each member node) fills it in; others
 * leave it empty, which is the safe choice.
 *
 * <pre>{@code
 * Membership seen = Membership.of(MemberId.of(1), MemberId.of(2));
 * Membership withDisk = seen.withVoteSources(Set.of("qdisk"));
 * }</pre>
 *
 * @param present the members in this partition, including the local member
 * @param quorateReporters the present members that report themselves quorate (a subset of {@code
 *     present})
 * @param voteSources names of the vote sources currently giving their votes to this partition
 */
public record Membership(
    SortedSet<MemberId> present, SortedSet<MemberId> quorateReporters, Set<String> voteSources) {
  /**
   * Validates and copies the sets.
   *
   * @param present the members in this partition
   * @param quorateReporters the present members that report themselves quorate
   * @param voteSources names of the vote sources giving their votes to this partition
   * @throws NullPointerException if a set or an element is null
   * @throws IllegalArgumentException if a quorate reporter is not present
   */
  public Membership {
    present = Topology.sortedCopy(present);
    quorateReporters = Topology.sortedCopy(quorateReporters);
    voteSources = Set.copyOf(voteSources);
    if (!present.containsAll(quorateReporters)) {
      throw new IllegalArgumentException(
          "quorate reporters " + quorateReporters + " must be present members " + present);
    }
  }

  /**
   * Returns a membership of the given members, with no reporters and no vote sources.
   *
   * @param present the members in this partition
   * @return the membership
   */
  public static Membership of(Collection<MemberId> present) {
    return new Membership(Topology.sortedCopy(present), Topology.sortedCopy(Set.of()), Set.of());
  }

  /**
   * Returns a membership of the given members, with no reporters and no vote sources.
   *
   * @param present the members in this partition
   * @return the membership
   */
  public static Membership of(MemberId... present) {
    return of(Set.of(present));
  }

  /**
   * Returns a membership of the members with the given ids.
   *
   * @param ids the ids of the members in this partition, each at least 1
   * @return the membership
   */
  public static Membership ofIds(int... ids) {
    return of(java.util.Arrays.stream(ids).mapToObj(MemberId::of).toList());
  }

  /**
   * Returns a copy with the given quorate reporters.
   *
   * @param reporters present members that report themselves quorate
   * @return the new membership
   */
  public Membership withQuorateReporters(Collection<MemberId> reporters) {
    return new Membership(present, Topology.sortedCopy(reporters), voteSources);
  }

  /**
   * Returns a copy with the given vote sources casting for this partition.
   *
   * @param names names of the vote sources giving their votes to this partition
   * @return the new membership
   */
  public Membership withVoteSources(Set<String> names) {
    return new Membership(present, quorateReporters, Objects.requireNonNull(names, "names"));
  }
}
