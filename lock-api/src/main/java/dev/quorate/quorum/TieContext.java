package dev.quorate.quorum;

import java.util.Objects;
import java.util.SortedSet;

/**
 * What a {@link TieBreaker} may look at when a partition holds exactly half of the expected votes.
 *
 * <p>A tie-breaker must answer so that two halves of one split can never both win. The built-in
 * ones do that by deciding from history both halves share: the last membership that was quorate by
 * votes (lowest/highest) and the membership just before the split (ordered list).
 *
 * <pre>{@code
 * TieBreaker custom = ctx -> ctx.partition().contains(ctx.lastQuorateMembers().first());
 * }</pre>
 *
 * @param topology the configured cluster
 * @param partition the members present in the partition being decided
 * @param previousMembers the membership before the last change
 * @param lastQuorateMembers the last membership that was quorate by votes; empty if none ever was
 */
public record TieContext(
    Topology topology,
    SortedSet<MemberId> partition,
    SortedSet<MemberId> previousMembers,
    SortedSet<MemberId> lastQuorateMembers) {
  /**
   * Validates and copies the components.
   *
   * @param topology the configured cluster
   * @param partition the members present
   * @param previousMembers the membership before the last change
   * @param lastQuorateMembers the last membership that was quorate by votes
   * @throws NullPointerException if a component is null
   */
  public TieContext {
    Objects.requireNonNull(topology, "topology");
    partition = Topology.sortedCopy(partition);
    previousMembers = Topology.sortedCopy(previousMembers);
    lastQuorateMembers = Topology.sortedCopy(lastQuorateMembers);
  }

  /**
   * Returns the context of a split that would leave {@code partition} out of the partition whose
   * state is {@code before}: a fence guard asks the tie-breaker whether the survivors of a fence
   * would win an exact half. The membership before the split is {@code before}'s members, and the
   * last membership quorate by votes is the one {@code before} remembers.
   *
   * <pre>{@code
   * boolean survivorsWin = tieBreaker.grants(TieContext.afterSplit(topology, state, survivors));
   * }</pre>
   *
   * @param topology the configured cluster
   * @param before the state of the partition before the split
   * @param partition the members that would remain
   * @return the context
   */
  public static TieContext afterSplit(
      Topology topology, QuorumState before, SortedSet<MemberId> partition) {
    return new TieContext(topology, partition, before.members(), before.lastQuorateMembers());
  }
}
