package dev.quorate.quorum;

import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation steps of {@link QuorumPolicy}: votequorum's calculate-quorum, are-we-quorate and
 * last_man_standing timer, as pure functions of (policy, previous state, membership, time).
 */
final class Votequorum {
  private static final Logger log = LoggerFactory.getLogger(QuorumService.class);
  private static final SortedSet<MemberId> NONE = new TreeSet<>();

  private Votequorum() {}

  static QuorumState initial(QuorumPolicy policy, int expected) {
    return new QuorumState(
        false,
        QuorumReason.NO_MEMBERSHIP,
        "no membership seen yet",
        NONE,
        0,
        expected,
        threshold(policy, expected, 0),
        policy.waitForAll(),
        NONE,
        NONE,
        OptionalLong.empty());
  }

  /** votequorum: expected / 2 + 1; under two_node, 1 while at most two voters are present. */
  static int threshold(QuorumPolicy policy, int expected, int presentVoters) {
    if (policy.twoNode() && presentVoters <= 2) {
      return 1;
    }
    return expected / 2 + 1;
  }

  static QuorumState evaluate(QuorumPolicy policy, QuorumState prev, Membership m, long now) {
    Topology topology = policy.topology();
    topology.requireKnown(m.present(), "membership.present");
    int sourceVotes = 0;
    for (String name : m.voteSources()) {
      VoteSource source = policy.voteSources().get(name);
      if (source == null) {
        throw new IllegalArgumentException(
            "membership.voteSources: '"
                + name
                + "' is not declared in the policy; declared: "
                + policy.voteSources().keySet());
      }
      sourceVotes += source.votes();
    }

    String note = "";
    QuorumState s = prev;
    OptionalLong deadline = s.lastManStandingDeadline();
    if (deadline.isPresent() && now - deadline.getAsLong() >= 0) {
      // The window ended before this membership arrived: apply it to the membership it was
      // started for, as votequorum's timer would have, then look at the new membership.
      if (s.quorate()) {
        note = "last_man_standing: expected votes " + s.expectedVotes() + " -> " + s.votes() + "; ";
        s = afterWindow(policy, s);
      } else {
        s = withoutDeadline(s);
      }
      deadline = OptionalLong.empty();
    }

    boolean changed = !m.present().equals(s.members());
    SortedSet<MemberId> previous = changed ? s.members() : s.previousMembers();
    int votes = topology.votesOf(m.present()) + sourceVotes;
    int voters = m.present().size() + m.voteSources().size();
    int expected = Math.max(s.expectedVotes(), votes);
    int threshold = threshold(policy, expected, voters);
    TieContext tie = new TieContext(topology, m.present(), previous, s.lastQuorateMembers());

    if (policy.lastManStanding() && changed && startsWindow(policy, s, m, votes, tie)) {
      // Restarted on every departure: expected votes shrink only after a quiet window.
      deadline = OptionalLong.of(now + policy.lastManStandingWindow().toNanos());
    }

    boolean waiting = s.waitingForAll() && m.quorateReporters().isEmpty();
    if (waiting && votes != expected) {
      return new QuorumState(
          false,
          QuorumReason.WAITING_FOR_ALL,
          note
              + "wait_for_all: "
              + votes
              + " of "
              + expected
              + " expected votes present; all must be present at once first",
          m.present(),
          votes,
          expected,
          threshold,
          true,
          previous,
          s.lastQuorateMembers(),
          deadline);
    }

    boolean quorate = votes >= threshold;
    QuorumReason reason;
    String why;
    if (quorate) {
      boolean byTwoNode = threshold == 1 && policy.twoNode();
      reason = byTwoNode ? QuorumReason.TWO_NODE : QuorumReason.MAJORITY;
      why =
          votes
              + " of "
              + expected
              + " expected votes present, threshold "
              + threshold
              + (byTwoNode ? " (two_node: a split is decided by fencing)" : "");
    } else if (policy.autoTieBreaker().isPresent() && votes == expected / 2) {
      int departed = topology.votesOf(previous) - votes;
      TieBreaker breaker = policy.autoTieBreaker().get();
      if (departed >= threshold) {
        reason = QuorumReason.TIE_BREAKER_LOST;
        why =
            votes
                + " of "
                + expected
                + " expected votes (half), but the members that left hold "
                + departed
                + " votes, enough for quorum without us";
      } else {
        quorate = grants(breaker, tie);
        reason = quorate ? QuorumReason.TIE_BREAKER_WON : QuorumReason.TIE_BREAKER_LOST;
        why =
            votes
                + " of "
                + expected
                + " expected votes (half): tie-breaker "
                + breaker
                + (quorate ? " chose this partition" : " did not choose this partition");
      }
    } else {
      reason = QuorumReason.BELOW_THRESHOLD;
      why = votes + " of " + expected + " expected votes present, threshold " + threshold;
    }
    // Only a win by votes moves the tie-breaker's reference, as votequorum's lowest-id update.
    SortedSet<MemberId> lastQuorate = votes >= threshold ? m.present() : s.lastQuorateMembers();
    return new QuorumState(
        quorate,
        reason,
        note + why,
        m.present(),
        votes,
        expected,
        threshold,
        policy.waitForAll() && !quorate,
        previous,
        lastQuorate,
        deadline);
  }

  /**
   * votequorum starts (or restarts) the window when members left and the rest still reaches the old
   * threshold, or when the rest is at most the threshold but the tie-breaker favours it (the 2 -> 1
   * step).
   */
  private static boolean startsWindow(
      QuorumPolicy policy, QuorumState s, Membership m, int votes, TieContext tie) {
    boolean someoneLeft = !m.present().containsAll(s.members());
    if (votes >= s.threshold() && someoneLeft) {
      return true;
    }
    return votes <= s.threshold()
        && policy.autoTieBreaker().map(breaker -> grants(breaker, tie)).orElse(false);
  }

  /**
   * A tie-breaker that fails to answer (an arbiter out of reach) grants nothing: had its exception
   * escaped, the evaluation would be lost and the previous, maybe quorate, state would stand.
   */
  private static boolean grants(TieBreaker breaker, TieContext tie) {
    try {
      return breaker.grants(tie);
    } catch (RuntimeException e) {
      log.error(
          "tie-breaker {} failed on {}; counted as not granting", breaker, tie.partition(), e);
      return false;
    }
  }

  /** The window ended while quorate: expected votes become the votes present. */
  private static QuorumState afterWindow(QuorumPolicy policy, QuorumState s) {
    int expected = s.votes();
    int threshold = threshold(policy, expected, s.members().size());
    return new QuorumState(
        true,
        QuorumReason.MAJORITY,
        "last_man_standing recalculated expected votes to " + expected,
        s.members(),
        s.votes(),
        expected,
        threshold,
        false,
        s.previousMembers(),
        s.members(),
        OptionalLong.empty());
  }

  private static QuorumState withoutDeadline(QuorumState s) {
    return new QuorumState(
        s.quorate(),
        s.reason(),
        s.explanation(),
        s.members(),
        s.votes(),
        s.expectedVotes(),
        s.threshold(),
        s.waitingForAll(),
        s.previousMembers(),
        s.lastQuorateMembers(),
        OptionalLong.empty());
  }
}
