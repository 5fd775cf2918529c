package dev.quorate.quorum;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedSet;

/**
 * The outcome of one quorum evaluation, and the little history the next evaluation needs.
 * Immutable.
 *
 * <p>The first seven components are the view a user acts on: may this partition act, with how many
 * votes, against which threshold, and why. The last four are votequorum's memory (wait_for_all
 * still armed, the membership before the last change, the last membership that was quorate by
 * votes, a pending last_man_standing window); {@link QuorumPolicy#evaluate} reads them from the
 * previous state. A caller that must survive restarts persists {@link #expectedVotes()} and passes
 * it to {@link QuorumPolicy#initialState(int)}: expected votes only ever rise (except through
 * last_man_standing), so a restarted member cannot count against a smaller, outdated total.
 *
 * <pre>{@code
 * QuorumState state = policy.evaluate(previous, Membership.ofIds(1, 2, 3), System.nanoTime());
 * if (!state.quorate()) {
 *   log.warn("no quorum: {} ({})", state.reason(), state.explanation());
 * }
 * }</pre>
 *
 * @param quorate whether this partition may act
 * @param reason why, machine-readable
 * @param explanation why, in words with the numbers, for logs and operators
 * @param members the members present in this partition, ascending
 * @param votes the votes present: members' votes plus the votes of casting vote sources
 * @param expectedVotes the expected votes the threshold is computed from
 * @param threshold the votes needed: {@code expectedVotes / 2 + 1}, or 1 under two_node
 * @param waitingForAll whether wait_for_all still holds the partition inquorate until every
 *     expected vote is present at once
 * @param previousMembers the membership before the last change (empty at start)
 * @param lastQuorateMembers the last membership that was quorate by votes (empty if never); the
 *     lowest/highest tie-breaker is chosen from it
 * @param lastManStandingDeadline the monotonic time (nanos) at which a pending last_man_standing
 *     window ends, or empty if none is pending
 */
public record QuorumState(
    boolean quorate,
    QuorumReason reason,
    String explanation,
    SortedSet<MemberId> members,
    int votes,
    int expectedVotes,
    int threshold,
    boolean waitingForAll,
    SortedSet<MemberId> previousMembers,
    SortedSet<MemberId> lastQuorateMembers,
    OptionalLong lastManStandingDeadline) {

  /**
   * Validates and copies the components.
   *
   * @param quorate whether this partition may act
   * @param reason why, machine-readable
   * @param explanation why, in words
   * @param members the members present
   * @param votes the votes present, not negative
   * @param expectedVotes the expected votes, at least 1
   * @param threshold the votes needed, at least 1
   * @param waitingForAll whether wait_for_all still holds
   * @param previousMembers the membership before the last change
   * @param lastQuorateMembers the last membership that was quorate by votes
   * @param lastManStandingDeadline when a pending last_man_standing window ends
   * @throws NullPointerException if a reference component is null
   * @throws IllegalArgumentException if a count is out of range
   */
  public QuorumState {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(lastManStandingDeadline, "lastManStandingDeadline");
    members = Topology.sortedCopy(members);
    previousMembers = Topology.sortedCopy(previousMembers);
    lastQuorateMembers = Topology.sortedCopy(lastQuorateMembers);
    if (votes < 0 || expectedVotes < 1 || threshold < 1) {
      throw new IllegalArgumentException(
          "votes must be >= 0, expectedVotes and threshold >= 1; got votes="
              + votes
              + ", expectedVotes="
              + expectedVotes
              + ", threshold="
              + threshold);
    }
  }

  /**
   * Tells whether a member is in this partition.
   *
   * @param id a member id
   * @return true if {@code id} is present
   */
  public boolean contains(MemberId id) {
    return members.contains(id);
  }

  @Override
  public String toString() {
    return (quorate ? "quorate" : "inquorate")
        + " ["
        + reason
        + "] votes "
        + votes
        + "/"
        + expectedVotes
        + " threshold "
        + threshold
        + " members "
        + members
        + ": "
        + explanation;
  }
}
