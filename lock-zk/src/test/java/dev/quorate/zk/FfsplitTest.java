package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.Ffsplit.LastResort;
import dev.quorate.zk.Ffsplit.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ffsplit rules of corosync-qnetd, one row per rule and its tie-breaks. */
@Timeout(30)
class FfsplitTest {
  private static final Topology FOUR = topology(4);
  private static final Topology FIVE = topology(5);

  private static Topology topology(int size) {
    Topology.Builder b = Topology.builder();
    for (int id = 1; id <= size; id++) {
      b.member(id, 1, "hv-" + id);
    }
    return b.build();
  }

  /**
   * A side in compact form: "1,2" members all reporting, each with one passed heuristic; "1,2 p0f1"
   * no pass and one failure each; "1,2 q" previously quorate; "1,2 r1" only member 1 reports.
   */
  private static List<ArbiterReport> side(String spec) {
    String[] parts = spec.split(" ");
    TreeSet<MemberId> members =
        Arrays.stream(parts[0].split(","))
            .map(s -> MemberId.of(Integer.parseInt(s)))
            .collect(Collectors.toCollection(TreeSet::new));
    int passed = 1;
    int failed = 0;
    boolean quorate = false;
    Set<MemberId> reporting = members;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      if (p.equals("q")) {
        quorate = true;
      } else if (p.startsWith("p")) {
        passed = Integer.parseInt(p.substring(1, p.indexOf('f')));
        failed = Integer.parseInt(p.substring(p.indexOf('f') + 1));
      } else if (p.startsWith("r")) {
        reporting =
            Arrays.stream(p.substring(1).split(","))
                .map(s -> MemberId.of(Integer.parseInt(s)))
                .collect(Collectors.toSet());
      }
    }
    List<ArbiterReport> reports = new ArrayList<>();
    for (MemberId m : reporting) {
      reports.add(new ArbiterReport(m, members, passed, failed, quorate));
    }
    return reports;
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        // topology, side A, side B, last resort, winner, rule
        Arguments.of(FIVE, "1,2,3", "4,5", LastResort.LOWEST_ID, "1,2,3", Rule.MAJORITY),
        Arguments.of(FIVE, "4,5 p3f0", "1,2,3 p0f0", LastResort.LOWEST_ID, "1,2,3", Rule.MAJORITY),
        Arguments.of(FOUR, "1,2 p0f1", "3,4", LastResort.LOWEST_ID, "3,4", Rule.SCORE),
        Arguments.of(FOUR, "1,2", "3,4 p2f0", LastResort.LOWEST_ID, "3,4", Rule.SCORE),
        // member 2 cannot reach the arbiter: its side scores 2, the other 4.
        Arguments.of(FOUR, "1,2 r1", "3,4", LastResort.LOWEST_ID, "3,4", Rule.SCORE),
        // Equal scores (3 each; only member 4 of {4,5} reports); {1,2,3} is larger, not a majority.
        Arguments.of(
            topology(6),
            "1,2,3 p0f0",
            "4,5 p2f0 r4",
            LastResort.HIGHEST_ID,
            "1,2,3",
            Rule.ACTIVE_MEMBERS),
        // The score comes before the size: 2 of {1,2,3} report (2), both of {4,5} pass (4).
        Arguments.of(
            topology(6), "1,2,3 p0f0 r1,2", "4,5 p1f0", LastResort.LOWEST_ID, "4,5", Rule.SCORE),
        Arguments.of(
            topology(6),
            "1,2,3 p0f0 r1,2",
            "4,5 p0f0",
            LastResort.HIGHEST_ID,
            "1,2,3",
            Rule.ACTIVE_MEMBERS),
        Arguments.of(FOUR, "1,2", "3,4 q", LastResort.LOWEST_ID, "3,4", Rule.PREVIOUSLY_QUORATE),
        Arguments.of(FOUR, "1,2 q", "3,4", LastResort.HIGHEST_ID, "1,2", Rule.PREVIOUSLY_QUORATE),
        Arguments.of(FOUR, "1,2 q", "3,4 q", LastResort.LOWEST_ID, "1,2", Rule.MEMBER_ID),
        Arguments.of(FOUR, "1,2", "3,4", LastResort.HIGHEST_ID, "3,4", Rule.MEMBER_ID),
        Arguments.of(FOUR, "1,4", "2,3", LastResort.HIGHEST_ID, "1,4", Rule.MEMBER_ID),
        Arguments.of(FOUR, "1,4", "2,3", LastResort.LOWEST_ID, "1,4", Rule.MEMBER_ID));
  }

  @ParameterizedTest(name = "{1} vs {2}, {3} -> {4} by {5}")
  @MethodSource("rows")
  void decidesByTheFirstRuleThatSeparates(
      Topology topology, String a, String b, LastResort lastResort, String winner, Rule rule) {
    List<ArbiterReport> reports = new ArrayList<>(side(a));
    reports.addAll(side(b));
    ArbiterDecision decision = Ffsplit.decide(topology, reports, lastResort);
    assertThat(decision.winner()).contains(side(winner).get(0).partition());
    assertThat(decision.rule()).as(decision.reason()).isEqualTo(rule);

    // Every member computes the same decision whatever order it read the reports in.
    Collections.reverse(reports);
    assertThat(Ffsplit.decide(topology, reports, lastResort)).isEqualTo(decision);
  }

  @Test
  void aSideThatCannotReachTheArbiterGetsNothing() {
    ArbiterDecision decision = Ffsplit.decide(FOUR, side("3,4 p0f2"), LastResort.LOWEST_ID);
    assertThat(decision.winner()).contains(side("3,4").get(0).partition());
    assertThat(decision.rule()).isEqualTo(Rule.ONLY_CANDIDATE);
    assertThat(decision.votesFor(side("1,2").get(0).partition())).isFalse();
  }

  @Test
  void noReportsNoVote() {
    ArbiterDecision decision = Ffsplit.decide(FOUR, List.of(), LastResort.LOWEST_ID);
    assertThat(decision.winner()).isEqualTo(Optional.empty());
    assertThat(decision.rule()).isEqualTo(Rule.NO_REPORTS);
  }

  @Test
  void reportsNamingUnknownMembersAreIgnored() {
    List<ArbiterReport> reports = new ArrayList<>(side("1,2"));
    reports.addAll(side("3,9"));
    assertThat(Ffsplit.decide(FOUR, reports, LastResort.HIGHEST_ID).rule())
        .isEqualTo(Rule.ONLY_CANDIDATE);
  }

  @Test
  void explainsTheDecidingNumbers() {
    List<ArbiterReport> reports = new ArrayList<>(side("1,2 p0f1"));
    reports.addAll(side("3,4"));
    assertThat(Ffsplit.decide(FOUR, reports, LastResort.LOWEST_ID).reason())
        .isEqualTo("[3, 4] over [1, 2]: score 4 > 0");
  }

  @Test
  void refusesAReportWhosePartitionLacksTheReporter() {
    assertThatThrownBy(
            () ->
                new ArbiterReport(
                    MemberId.of(3), new TreeSet<>(Set.of(MemberId.of(1))), 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1]")
        .hasMessageContaining("member 3");
    assertThatThrownBy(
            () ->
                new ArbiterReport(
                    MemberId.of(1), new TreeSet<>(Set.of(MemberId.of(1))), -1, 0, false))
        .hasMessageContaining("passed=-1");
  }
}
