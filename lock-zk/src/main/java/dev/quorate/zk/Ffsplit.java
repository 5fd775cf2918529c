package dev.quorate.zk;

import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Topology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * The decision rules of corosync-qnetd's "ffsplit" algorithm, as a pure function: every member
 * computes the same {@link ArbiterDecision} from the same reports, so no member has to be elected
 * to decide.
 *
 * <p>Reports are grouped by the partition they name; each group is a candidate. Candidates are
 * compared rule by rule, and the first rule that separates the best two decides:
 *
 * <ol>
 *   <li>{@link Rule#MAJORITY}: a partition holding more than half of the configured member votes.
 *   <li>{@link Rule#SCORE}: the higher score, the sum over the partition's reporting members of 1 +
 *       heuristics passed - heuristics failed.
 *   <li>{@link Rule#ACTIVE_MEMBERS}: more members in the partition.
 *   <li>{@link Rule#PREVIOUSLY_QUORATE}: the partition with a member that was quorate before.
 *   <li>{@link Rule#MEMBER_ID}: the partition holding the lowest (or highest) member id.
 * </ol>
 *
 * <p>A single candidate wins by {@link Rule#ONLY_CANDIDATE}: a partition whose members cannot reach
 * the arbiter gets no vote, which is how a cut-off half loses a 50:50 split.
 *
 * <pre>{@code
 * ArbiterDecision d = Ffsplit.decide(topology, reports, Ffsplit.LastResort.LOWEST_ID);
 * }</pre>
 */
public final class Ffsplit {
  private Ffsplit() {}

  /** Which member id wins when every other rule ties. */
  public enum LastResort {
    /** The partition holding the lowest member id wins (qnetd's default). */
    LOWEST_ID,
    /** The partition holding the highest member id wins. */
    HIGHEST_ID
  }

  /** The rule that decided. */
  public enum Rule {
    /** No member reported: no vote for anybody. */
    NO_REPORTS,
    /** Only one partition reported. */
    ONLY_CANDIDATE,
    /** More than half of the configured votes. */
    MAJORITY,
    /** Higher score (members + heuristics passed - failed). */
    SCORE,
    /** More active members. */
    ACTIVE_MEMBERS,
    /** Quorate before the split. */
    PREVIOUSLY_QUORATE,
    /** Lowest or highest member id. */
    MEMBER_ID
  }

  /** One partition as the arbiter sees it. */
  private record Candidate(
      SortedSet<MemberId> members, boolean majority, int score, boolean previouslyQuorate) {}

  /**
   * Decides which partition gets the arbiter's vote.
   *
   * @param topology the configured cluster; reports of unknown members are ignored
   * @param reports one report per connected member
   * @param lastResort which member id wins when all other rules tie
   * @return the decision, with the rule and numbers that made it
   * @throws NullPointerException if an argument is null
   */
  public static ArbiterDecision decide(
      Topology topology, Collection<ArbiterReport> reports, LastResort lastResort) {
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(lastResort, "lastResort");
    Map<SortedSet<MemberId>, List<ArbiterReport>> byPartition = new LinkedHashMap<>();
    for (ArbiterReport report : reports) {
      if (topology.ids().containsAll(report.partition())) {
        byPartition.computeIfAbsent(report.partition(), p -> new ArrayList<>()).add(report);
      }
    }
    if (byPartition.isEmpty()) {
      return new ArbiterDecision(Optional.empty(), Rule.NO_REPORTS, "no member reported");
    }
    List<Candidate> candidates = new ArrayList<>();
    byPartition.forEach(
        (members, group) ->
            candidates.add(
                new Candidate(
                    members,
                    2 * topology.votesOf(members) > topology.totalVotes(),
                    group.stream().mapToInt(ArbiterReport::score).sum(),
                    group.stream().anyMatch(ArbiterReport::previouslyQuorate))));
    if (candidates.size() == 1) {
      Candidate only = candidates.get(0);
      return new ArbiterDecision(
          Optional.of(only.members()),
          Rule.ONLY_CANDIDATE,
          "only partition " + only.members() + " reached the arbiter");
    }
    Comparator<Candidate> order = order(lastResort);
    candidates.sort(order);
    Candidate best = candidates.get(0);
    Candidate second = candidates.get(1);
    Rule rule = decidingRule(best, second, lastResort);
    return new ArbiterDecision(
        Optional.of(best.members()), rule, explain(rule, best, second, lastResort));
  }

  /** Best first. */
  private static Comparator<Candidate> order(LastResort lastResort) {
    Comparator<Candidate> byId =
        Comparator.comparing(
            c -> lastResort == LastResort.LOWEST_ID ? c.members().first() : c.members().last());
    if (lastResort == LastResort.HIGHEST_ID) {
      byId = byId.reversed();
    }
    return Comparator.comparing(Candidate::majority)
        .reversed()
        .thenComparing(Comparator.comparingInt(Candidate::score).reversed())
        .thenComparing(Comparator.comparingInt((Candidate c) -> c.members().size()).reversed())
        .thenComparing(Comparator.comparing(Candidate::previouslyQuorate).reversed())
        .thenComparing(byId)
        // Overlapping views may share the deciding id: any fixed total order keeps members agreed.
        .thenComparing(Ffsplit::lexicographic);
  }

  private static int lexicographic(Candidate a, Candidate b) {
    List<MemberId> x = List.copyOf(a.members());
    List<MemberId> y = List.copyOf(b.members());
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      int c = x.get(i).compareTo(y.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.size(), y.size());
  }

  private static Rule decidingRule(Candidate best, Candidate second, LastResort lastResort) {
    if (best.majority() != second.majority()) {
      return Rule.MAJORITY;
    }
    if (best.score() != second.score()) {
      return Rule.SCORE;
    }
    if (best.members().size() != second.members().size()) {
      return Rule.ACTIVE_MEMBERS;
    }
    if (best.previouslyQuorate() != second.previouslyQuorate()) {
      return Rule.PREVIOUSLY_QUORATE;
    }
    return Rule.MEMBER_ID;
  }

  private static String explain(
      Rule rule, Candidate best, Candidate second, LastResort lastResort) {
    String vs = " over " + second.members() + ": ";
    return best.members()
        + vs
        + switch (rule) {
          case MAJORITY -> "it holds more than half of the configured votes";
          case SCORE -> "score " + best.score() + " > " + second.score();
          case ACTIVE_MEMBERS ->
              best.members().size() + " active members > " + second.members().size();
          case PREVIOUSLY_QUORATE -> "it was quorate before, the other was not";
          case MEMBER_ID ->
              "all else equal, it holds the "
                  + (lastResort == LastResort.LOWEST_ID
                      ? "lowest member id " + best.members().first()
                      : "highest member id " + best.members().last());
          default -> throw new IllegalStateException("not a comparing rule: " + rule);
        };
  }
}
