package dev.quorate.quorum;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedSet;

/**
 * The outcome of one quorum evaluation: may this partition act, with how many votes, against which
 * threshold, and why. Immutable.
 *
 * <p>A state also carries, out of sight, the little history votequorum's next evaluation needs
 * (wait_for_all still armed, the membership before the last change, the last membership that was
 * quorate by votes, a pending last_man_standing window); {@link QuorumPolicy#evaluate} reads it
 * from the previous state, so pass the state it returned last. A caller that must survive restarts
 * persists {@link #expectedVotes()} and passes it to {@link QuorumPolicy#initialState(int)}:
 * expected votes only ever rise (except through last_man_standing), so a restarted member cannot
 * count against a smaller, outdated total.
 *
 * <p>Two states are equal when they agree on the view and on that history, so a {@link
 * QuorumService} publishes an event whenever either changes.
 *
 * <pre>{@code
 * QuorumState state = policy.evaluate(previous, Membership.ofIds(1, 2, 3), System.nanoTime());
 * if (!state.quorate()) {
 *   log.warn("no quorum: {} ({})", state.reason(), state.explanation());
 * }
 * }</pre>
 */
public final class QuorumState {
  private final boolean quorate;
  private final QuorumReason reason;
  private final String explanation;
  private final SortedSet<MemberId> members;
  private final int votes;
  private final int expectedVotes;
  private final int threshold;
  // votequorum's memory, read by the next evaluation only
  private final boolean waitingForAll;
  private final SortedSet<MemberId> previousMembers;
  private final SortedSet<MemberId> lastQuorateMembers;
  private final OptionalLong lastManStandingDeadline;

  /**
   * Validates and copies the components.
   *
   * @param quorate whether this partition may act
   * @param reason why, machine-readable
   * @param explanation why, in words with the numbers
   * @param members the members present
   * @param votes the votes present, not negative
   * @param expectedVotes the expected votes, at least 1
   * @param threshold the votes needed, at least 1
   * @param waitingForAll whether wait_for_all still holds the partition inquorate until every
   *     expected vote is present at once
   * @param previousMembers the membership before the last change (empty at start)
   * @param lastQuorateMembers the last membership that was quorate by votes (empty if never)
   * @param lastManStandingDeadline the monotonic time (nanos) at which a pending last_man_standing
   *     window ends, or empty if none is pending
   * @throws NullPointerException if a reference component is null
   * @throws IllegalArgumentException if a count is out of range
   */
  QuorumState(
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
    this.reason = Objects.requireNonNull(reason, "reason");
    this.explanation = Objects.requireNonNull(explanation, "explanation");
    this.lastManStandingDeadline =
        Objects.requireNonNull(lastManStandingDeadline, "lastManStandingDeadline");
    this.members = Topology.sortedCopy(members);
    this.previousMembers = Topology.sortedCopy(previousMembers);
    this.lastQuorateMembers = Topology.sortedCopy(lastQuorateMembers);
    if (votes < 0 || expectedVotes < 1 || threshold < 1) {
      throw new IllegalArgumentException(
          "votes must be >= 0, expectedVotes and threshold >= 1; got votes="
              + votes
              + ", expectedVotes="
              + expectedVotes
              + ", threshold="
              + threshold);
    }
    this.quorate = quorate;
    this.votes = votes;
    this.expectedVotes = expectedVotes;
    this.threshold = threshold;
    this.waitingForAll = waitingForAll;
  }

  /**
   * Tells whether this partition may act.
   *
   * @return true if quorate
   */
  public boolean quorate() {
    return quorate;
  }

  /**
   * Tells why, machine-readable.
   *
   * @return the reason
   */
  public QuorumReason reason() {
    return reason;
  }

  /**
   * Tells why in words, with the numbers, for logs and operators.
   *
   * @return the explanation
   */
  public String explanation() {
    return explanation;
  }

  /**
   * Returns the members present in this partition.
   *
   * @return the members, ascending
   */
  public SortedSet<MemberId> members() {
    return members;
  }

  /**
   * Returns the votes present: members' votes plus the votes of casting vote sources.
   *
   * @return the votes
   */
  public int votes() {
    return votes;
  }

  /**
   * Returns the expected votes the threshold is computed from.
   *
   * @return the expected votes
   */
  public int expectedVotes() {
    return expectedVotes;
  }

  /**
   * Returns the votes needed: {@code expectedVotes / 2 + 1}, or 1 under two_node.
   *
   * @return the threshold
   */
  public int threshold() {
    return threshold;
  }

  boolean waitingForAll() {
    return waitingForAll;
  }

  SortedSet<MemberId> previousMembers() {
    return previousMembers;
  }

  SortedSet<MemberId> lastQuorateMembers() {
    return lastQuorateMembers;
  }

  /** When a pending last_man_standing window ends; the service re-evaluates then. */
  OptionalLong lastManStandingDeadline() {
    return lastManStandingDeadline;
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
  public boolean equals(Object o) {
    return o instanceof QuorumState s
        && quorate == s.quorate
        && reason == s.reason
        && explanation.equals(s.explanation)
        && members.equals(s.members)
        && votes == s.votes
        && expectedVotes == s.expectedVotes
        && threshold == s.threshold
        && waitingForAll == s.waitingForAll
        && previousMembers.equals(s.previousMembers)
        && lastQuorateMembers.equals(s.lastQuorateMembers)
        && lastManStandingDeadline.equals(s.lastManStandingDeadline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        quorate,
        reason,
        explanation,
        members,
        votes,
        expectedVotes,
        threshold,
        waitingForAll,
        previousMembers,
        lastQuorateMembers,
        lastManStandingDeadline);
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
