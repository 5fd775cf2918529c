package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** votequorum's documented behaviour, option by option, as tables of (membership, outcome). */
class VotequorumRulesTest {

  @Nested
  class ExpectedVotesAndThreshold {
    @ParameterizedTest(name = "{0} members: threshold {1}")
    @CsvSource({"1,1", "2,2", "3,2", "4,3", "5,3", "6,4", "7,4", "8,5", "15,8", "16,9"})
    void thresholdIsHalfOfExpectedPlusOne(int members, int threshold) {
      QuorumState state = new Replay(QuorumPolicy.builder(Clusters.ofSize(members)).build()).see();
      assertThat(state.expectedVotes()).isEqualTo(members);
      assertThat(state.threshold()).isEqualTo(threshold);
    }

    @ParameterizedTest(name = "votes 1,2,3 with {0} present: {1} votes, quorate={2}")
    @CsvSource(
        delimiter = '|',
        value = {"1 2 3|6|true", "2 3|5|true", "1 3|4|true", "3|3|false", "1 2|3|false"})
    void weightedVotesCountAgainstTheThreshold(String present, int votes, boolean quorate) {
      Replay replay = new Replay(QuorumPolicy.builder(Clusters.withVotes(1, 2, 3)).build());
      int[] ids = java.util.Arrays.stream(present.split(" ")).mapToInt(Integer::parseInt).toArray();
      QuorumState state = replay.see(ids);
      assertThat(state.votes()).isEqualTo(votes);
      assertThat(state.threshold()).isEqualTo(4);
      assertThat(state.quorate()).isEqualTo(quorate);
    }

    @Test
    void persistedExpectedVotesOnlyRaiseTheConfiguredOnes() {
      QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(5)).build();
      assertThat(policy.initialState(9).expectedVotes()).isEqualTo(9);
      assertThat(policy.initialState(9).threshold()).isEqualTo(5);
      assertThat(policy.initialState(3).expectedVotes()).isEqualTo(5);
      assertThatThrownBy(() -> policy.initialState(-1))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expectedVotesNeverFallWhenMembersLeave() {
      Replay replay = new Replay(QuorumPolicy.builder(Clusters.ofSize(5)).build());
      replay.see(1, 2, 3, 4, 5);
      QuorumState state = replay.see(1, 2);
      assertThat(state.expectedVotes()).isEqualTo(5);
      assertThat(state.threshold()).isEqualTo(3);
      assertThat(state.quorate()).isFalse();
      assertThat(state.reason()).isEqualTo(QuorumReason.BELOW_THRESHOLD);
      assertThat(state.explanation()).contains("2 of 5", "threshold 3");
    }

    @Test
    void membershipNamesMustBeKnownVoteSources() {
      QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(3)).build();
      Membership withDisk = Membership.ofIds(1).withVoteSources(Set.of("qdisk"));
      assertThatThrownBy(() -> policy.evaluate(policy.initialState(), withDisk, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("qdisk");
    }

    @Test
    void unknownMembersAreRejected() {
      QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(3)).build();
      assertThatThrownBy(() -> policy.evaluate(policy.initialState(), Membership.ofIds(1, 7), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("7");
    }
  }

  @Nested
  class WaitForAll {
    private final QuorumPolicy policy =
        QuorumPolicy.builder(Clusters.ofSize(5)).waitForAll(true).build();

    @Test
    void startUpWaitsUntilAllExpectedVotesWereSeenTogether() {
      Replay replay = new Replay(policy);
      assertThat(replay.see(1, 2, 3, 4).reason()).isEqualTo(QuorumReason.WAITING_FOR_ALL);
      assertThat(replay.state().quorate()).isFalse();
      assertThat(replay.state().waitingForAll()).isTrue();
      assertThat(replay.see(1, 2, 3, 4, 5).quorate()).isTrue();
      assertThat(replay.see(1, 2, 3).quorate()).as("majority after all were seen").isTrue();
    }

    @Test
    void losingQuorumRearmsTheWait() {
      Replay replay = new Replay(policy);
      replay.see(1, 2, 3, 4, 5);
      assertThat(replay.see(1, 2).quorate()).isFalse();
      assertThat(replay.see(1, 2, 3).reason()).isEqualTo(QuorumReason.WAITING_FOR_ALL);
    }

    @Test
    void joiningAPartitionWithAQuorateMemberEndsTheWait() {
      Replay replay = new Replay(policy);
      QuorumState state =
          replay.see(Membership.ofIds(1, 2, 3).withQuorateReporters(Clusters.ids(2)));
      assertThat(state.quorate()).isTrue();
      assertThat(state.waitingForAll()).isFalse();
    }

    @Test
    void withoutWaitForAllAMajorityIsEnoughAtStartUp() {
      Replay replay = new Replay(QuorumPolicy.builder(Clusters.ofSize(5)).build());
      assertThat(replay.see(1, 2, 3).quorate()).isTrue();
    }
  }

  @Nested
  class TwoNode {
    private final QuorumPolicy policy =
        QuorumPolicy.builder(Clusters.ofSize(2)).twoNode(true).build();

    @Test
    void impliesWaitForAll() {
      assertThat(policy.waitForAll()).isTrue();
      Replay replay = new Replay(policy);
      assertThat(replay.see(1).reason()).isEqualTo(QuorumReason.WAITING_FOR_ALL);
    }

    @Test
    void oneMemberKeepsQuorumAfterBothWereSeen() {
      Replay replay = new Replay(policy);
      assertThat(replay.see(1, 2).threshold()).isEqualTo(1);
      QuorumState alone = replay.see(1);
      assertThat(alone.quorate()).isTrue();
      assertThat(alone.reason()).isEqualTo(QuorumReason.TWO_NODE);
      assertThat(alone.explanation()).contains("fencing");
    }

    @Test
    void aSplitLeavesBothQuorateAndFencingDecides() {
      Replay one = new Replay(policy);
      one.see(1, 2);
      Replay two = one.fork();
      assertThat(one.see(1).quorate()).isTrue();
      assertThat(two.see(2).quorate()).isTrue();
    }

    @Test
    void waitForAllMayBeTurnedOffExplicitly() {
      QuorumPolicy eager =
          QuorumPolicy.builder(Clusters.ofSize(2)).twoNode(true).waitForAll(false).build();
      assertThat(new Replay(eager).see(2).quorate()).isTrue();
    }
  }

  @Nested
  class LastManStanding {
    private final QuorumPolicy policy =
        QuorumPolicy.builder(Clusters.ofSize(8)).lastManStanding(true).build();

    @Test
    void shrinksEightFiveThreeTwoAfterEachWindow() {
      Replay r = new Replay(policy);
      assertThat(r.see(1, 2, 3, 4, 5, 6, 7, 8).quorate()).isTrue();
      r.time(1);
      QuorumState five = r.see(1, 2, 3, 4, 5);
      assertThat(five.quorate()).isTrue();
      assertThat(five.expectedVotes()).isEqualTo(8);
      assertThat(five.lastManStandingDeadline()).hasValue(11 * Clusters.SECOND);
      assertThat(r.at(10.9).expectedVotes()).as("window not over").isEqualTo(8);
      QuorumState recalculated = r.at(11);
      assertThat(recalculated.expectedVotes()).isEqualTo(5);
      assertThat(recalculated.threshold()).isEqualTo(3);
      assertThat(recalculated.explanation()).contains("last_man_standing");

      r.time(12);
      assertThat(r.see(1, 2, 3).quorate()).isTrue();
      assertThat(r.at(22).expectedVotes()).isEqualTo(3);
      r.time(23);
      assertThat(r.see(1, 2).quorate()).isTrue();
      assertThat(r.at(33).expectedVotes()).isEqualTo(2);
      assertThat(r.state().threshold()).isEqualTo(2);

      r.time(34);
      QuorumState last = r.see(1);
      assertThat(last.quorate()).as("2 -> 1 needs auto_tie_breaker").isFalse();
      assertThat(r.at(100).quorate()).isFalse();
    }

    @Test
    void aSecondDropInsideTheWindowLosesQuorum() {
      Replay r = new Replay(policy);
      r.see(1, 2, 3, 4, 5, 6, 7, 8);
      r.time(1);
      r.see(1, 2, 3, 4, 5);
      r.time(5);
      assertThat(r.see(1, 2, 3).quorate()).isFalse();
      assertThat(r.at(30).quorate()).isFalse();
      assertThat(r.state().expectedVotes()).isEqualTo(8);
    }

    @Test
    void eachDepartureRestartsTheWindow() {
      Replay r = new Replay(policy);
      r.see(1, 2, 3, 4, 5, 6, 7, 8);
      r.see(1, 2, 3, 4, 5, 6);
      r.time(9);
      assertThat(r.see(1, 2, 3, 4, 5).lastManStandingDeadline()).hasValue(19 * Clusters.SECOND);
      assertThat(r.at(12).expectedVotes()).isEqualTo(8);
      assertThat(r.at(19).expectedVotes()).isEqualTo(5);
    }

    @Test
    void theWindowIsAppliedToTheMembershipItWasStartedFor() {
      // The window ended at 11 s but nothing was evaluated until the next change at 20 s.
      Replay r = new Replay(policy);
      r.see(1, 2, 3, 4, 5, 6, 7, 8);
      r.time(1);
      r.see(1, 2, 3, 4, 5);
      r.time(20);
      QuorumState state = r.see(1, 2, 3);
      assertThat(state.quorate()).as("3 of recalculated 5").isTrue();
      assertThat(state.expectedVotes()).isEqualTo(5);
    }

    @Test
    void twoToOneStaysQuorateWithTheTieBreaker() {
      QuorumPolicy withTie =
          QuorumPolicy.builder(Clusters.ofSize(8))
              .lastManStanding(true)
              .lastManStandingWindow(Duration.ofSeconds(10))
              .autoTieBreaker(TieBreaker.lowest())
              .build();
      Replay r = new Replay(withTie);
      r.see(1, 2, 3, 4, 5, 6, 7, 8);
      r.see(1, 2, 3, 4, 5);
      r.at(10);
      r.see(1, 2, 3);
      r.at(20);
      r.see(1, 2);
      r.at(30);
      Replay other = r.fork();
      QuorumState lowest = r.see(1);
      assertThat(lowest.quorate()).isTrue();
      assertThat(lowest.reason()).isEqualTo(QuorumReason.TIE_BREAKER_WON);
      assertThat(other.see(2).quorate()).isFalse();
      QuorumState settled = r.at(40);
      assertThat(settled.expectedVotes()).isEqualTo(1);
      assertThat(settled.reason()).isEqualTo(QuorumReason.MAJORITY);
    }
  }

  @Nested
  class AutoTieBreaker {
    private Replay quorateFour(TieBreaker breaker) {
      Replay r =
          new Replay(QuorumPolicy.builder(Clusters.ofSize(4)).autoTieBreaker(breaker).build());
      r.see(1, 2, 3, 4);
      return r;
    }

    @ParameterizedTest(name = "{0}: half {1} quorate={2}")
    @CsvSource(
        delimiter = '|',
        value = {
          "lowest|1 2|true",
          "lowest|3 4|false",
          "lowest|2 3|false",
          "lowest|1 4|true",
          "highest|3 4|true",
          "highest|1 2|false",
          "list 3 1|3 4|true",
          "list 3 1|1 2|false",
          "list 2|1 2|true",
          "list 2|3 4|false"
        })
    void anExactHalfIsQuorateOnlyWithTheTieBreaker(String breaker, String half, boolean quorate) {
      QuorumState state = quorateFour(parse(breaker)).see(ints(half));
      assertThat(state.votes()).isEqualTo(2);
      assertThat(state.quorate()).isEqualTo(quorate);
      assertThat(state.reason())
          .isEqualTo(quorate ? QuorumReason.TIE_BREAKER_WON : QuorumReason.TIE_BREAKER_LOST);
    }

    @Test
    void lowestIsChosenFromTheLastQuorateMembershipNotFromTheHalf() {
      // Member 1 died while the rest stayed quorate; then {2} | {3, 4} split. Neither half may
      // pick its own lowest id: 2 was the lowest of the last quorate membership.
      Replay r = quorateFour(TieBreaker.lowest());
      r.see(2, 3, 4);
      Replay other = r.fork();
      assertThat(other.see(3, 4).quorate()).isFalse();
      assertThat(r.see(2).quorate()).isFalse();
    }

    @Test
    void theListDeniesAHalfWhenAPreferredMemberWasInThePreviousMembership() {
      Replay r = quorateFour(TieBreaker.ordered(3, 1));
      assertThat(r.see(1, 2).quorate()).as("3 may be alive on the other side").isFalse();
      Replay gone = quorateFour(TieBreaker.ordered(3, 1));
      gone.see(1, 2, 4);
      assertThat(gone.see(1, 2).quorate()).as("3 was already gone before the split").isTrue();
    }

    @Test
    void neverQuorateBeforeNoTieBreakerMemberCanBeChosen() {
      Replay r =
          new Replay(
              QuorumPolicy.builder(Clusters.ofSize(4)).autoTieBreaker(TieBreaker.lowest()).build());
      assertThat(r.see(1, 2).quorate()).isFalse();
    }

    @Test
    void aHalfIsRefusedWhenTheMembersThatLeftCouldBeQuorate() {
      // Odd expected votes: 5 / 2 = 2 is a "half", but the 3 that left hold a majority.
      Replay r =
          new Replay(
              QuorumPolicy.builder(Clusters.ofSize(5))
                  .waitForAll(true)
                  .autoTieBreaker(TieBreaker.lowest())
                  .build());
      r.see(1, 2, 3, 4, 5);
      Replay other = r.fork();
      QuorumState small = r.see(1, 2);
      assertThat(small.quorate()).isFalse();
      assertThat(small.reason()).isEqualTo(QuorumReason.TIE_BREAKER_LOST);
      assertThat(small.explanation()).contains("left hold 3 votes");
      assertThat(other.see(3, 4, 5).quorate()).isTrue();
    }

    private static TieBreaker parse(String spec) {
      if (spec.equals("lowest")) {
        return TieBreaker.lowest();
      }
      if (spec.equals("highest")) {
        return TieBreaker.highest();
      }
      return TieBreaker.ordered(ints(spec.substring("list ".length())));
    }

    private static int[] ints(String spaced) {
      return java.util.Arrays.stream(spaced.split(" ")).mapToInt(Integer::parseInt).toArray();
    }
  }
}
