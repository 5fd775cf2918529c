package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import dev.quorate.quorum.VoteSource;
import dev.quorate.zk.ArbiterHeuristic;
import dev.quorate.zk.ArbiterReport;
import dev.quorate.zk.Ffsplit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The vote token's hand-over, driven step by step on an in-memory witness: between any two steps of
 * any member, the arbiter's vote is never counted by two partitions of one split, and while the
 * token names a partition nobody outside it counts the vote.
 *
 * <p>Members 1 (partition {1, 2}) and 3 (partition {3, 4}) run the real protocol; members 2 and 4
 * are played by the test writing their nodes.
 */
@Timeout(30)
class ArbiterHandOverTest {
  private static final SortedSet<MemberId> LOW = ids(1, 2);
  private static final SortedSet<MemberId> HIGH = ids(3, 4);
  private static final long SESSION_TWO = 0x2;

  private final Topology topology =
      Topology.builder()
          .member(1, 1, "hv-1")
          .member(2, 1, "hv-2")
          .member(3, 1, "hv-3")
          .member(4, 1, "hv-4")
          .build();
  private final InMemoryWitness.Board board = new InMemoryWitness.Board();
  private final List<Member> members = new ArrayList<>();

  /** One member running the protocol, with a worker the test runs by hand. */
  private final class Member {
    final SortedSet<MemberId> partition;
    final InMemoryWitness witness;
    final ManualExecutor worker = new ManualExecutor(ArbiterHandOverTest.this::assertSafe);
    final ArbiterSession session;
    final QuorumService quorum;

    Member(int id, SortedSet<MemberId> partition, int passingHeuristics) {
      this.partition = partition;
      this.witness = new InMemoryWitness(board, MemberId.of(id), 0x100L + id);
      List<ArbiterHeuristic> heuristics = Collections.nCopies(passingHeuristics, () -> true);
      this.session =
          new ArbiterSession(
              witness, MemberId.of(id), heuristics, Ffsplit.LastResort.LOWEST_ID, worker);
      QuorumPolicy policy = QuorumPolicy.builder(topology).voteSource(source(session)).build();
      this.quorum = QuorumService.builder(policy, MemberId.of(id)).notifier(Runnable::run).build();
      quorum.update(partition);
      session.attach(quorum);
      members.add(this);
    }

    boolean counts() {
      return session.castsVote(partition);
    }

    @Override
    public String toString() {
      return "member " + quorum.state().members();
    }
  }

  /** The arbiter's vote as ZkArbiter declares it. */
  static VoteSource source(ArbiterSession session) {
    return new VoteSource() {
      @Override
      public String name() {
        return "arbiter";
      }

      @Override
      public int votes() {
        return 1;
      }

      @Override
      public boolean castsVote(SortedSet<MemberId> partition) {
        return session.castsVote(partition);
      }
    };
  }

  private void assertSafe() {
    List<SortedSet<MemberId>> counted =
        members.stream().filter(Member::counts).map(m -> m.partition).distinct().toList();
    assertThat(counted).as("partitions counting the arbiter vote").hasSizeLessThanOrEqualTo(1);
    board
        .token()
        .ifPresent(
            token ->
                assertThat(
                        members.stream()
                            .filter(m -> m.counts() && !token.partition().equals(m.partition)))
                    .as("members counting the vote while the token names %s", token.partition())
                    .isEmpty());
  }

  private void runAll() {
    for (int round = 0; round < 20; round++) {
      List.copyOf(members).forEach(m -> m.worker.runAll());
    }
  }

  /** Member 2 reports and holds the token for the low half, as if it had won a moment ago. */
  private void memberTwoHoldsTheVote(int heuristicsFailed, boolean counting) {
    board.putReport(
        MemberId.of(2),
        SESSION_TWO,
        new ArbiterNodes.Stored(
            new ArbiterReport(MemberId.of(2), LOW, 0, heuristicsFailed, true), counting));
    board.putToken(new ArbiterNodes.Token(LOW, MemberId.of(2)), SESSION_TWO);
  }

  private void memberFourReports() {
    board.putReport(
        MemberId.of(4),
        0x4,
        new ArbiterNodes.Stored(new ArbiterReport(MemberId.of(4), HIGH, 0, 0, true), false));
  }

  @Test
  void aTokenDeletedBeforeTheJoinerAnnouncedItselfIsNotCounted() {
    memberTwoHoldsTheVote(0, true);
    memberFourReports();
    Member three = new Member(3, HIGH, 0);
    runAll(); // equal halves: the low half keeps the vote by the lowest id
    assertThat(three.counts()).isFalse();

    Member one = new Member(1, LOW, 0);
    // Member 1 has just read the token naming its half; before it says it counts the vote, member
    // 2 loses its gateway, gives the vote up, and member 3 takes it for the high half.
    one.witness.afterTokenRead(
        () -> {
          board.putReport(
              MemberId.of(2),
              SESSION_TWO,
              new ArbiterNodes.Stored(new ArbiterReport(MemberId.of(2), LOW, 0, 3, true), false));
          board.expire(SESSION_TWO);
          three.worker.runAll();
          three.worker.runAll();
          assertThat(board.token()).map(ArbiterNodes.Token::partition).contains(HIGH);
        });
    runAll();

    assertThat(three.counts()).isTrue();
    assertThat(one.counts()).isFalse();
    assertThat(three.quorum.grantsAllowed()).isTrue();
    assertThat(one.quorum.grantsAllowed()).isFalse();
  }

  @Test
  void aNewWinnerReadsWhoCountsAfterItFoundTheTokenGone() {
    // Member 2 holds the token for the low half but stopped counting (its report says so).
    memberTwoHoldsTheVote(0, false);
    memberFourReports();
    Member three = new Member(3, HIGH, 0);
    // Member 3 has read the reports (only the high half reported: it wins); before it reads the
    // token, member 1 reports a better score, counts the vote for the low half, and member 2's
    // session ends with its token.
    three.witness.afterReportsRead(
        () -> {
          Member one = new Member(1, LOW, 3);
          one.worker.runAll();
          one.worker.runAll();
          assertThat(one.counts()).isTrue();
          board.expire(SESSION_TWO);
        });
    runAll();

    // Member 3 saw member 1 counting and waited; the low half, with the better score, wins.
    assertThat(board.token()).map(ArbiterNodes.Token::partition).contains(LOW);
    assertThat(members.get(1).counts()).isTrue();
    assertThat(three.counts()).isFalse();
  }

  @Test
  void aTokenThatCameAndWentAfterTheWinnerFoundNoneStopsItsCreate() {
    memberFourReports();
    Member three = new Member(3, HIGH, 0);
    // Member 3 found no token and, reading the reports again, nobody counting. Before its create,
    // member 2 takes the token for the low half, member 1 (better score) counts it, and member 2's
    // session ends with the token.
    three.witness.afterReportsRead(
        () ->
            three.witness.afterReportsRead(
                () -> {
                  board.putToken(new ArbiterNodes.Token(LOW, MemberId.of(2)), SESSION_TWO);
                  Member one = new Member(1, LOW, 3);
                  one.worker.runAll();
                  assertThat(one.counts()).isTrue();
                  board.expire(SESSION_TWO);
                }));
    runAll();

    assertThat(members.get(1).counts()).isTrue();
    assertThat(three.counts()).isFalse();
    assertThat(board.token()).map(ArbiterNodes.Token::partition).contains(LOW);
  }

  @Test
  void aCountingDecidedBeforeTheSessionWasLostIsNotResumedAfterIt() {
    memberTwoHoldsTheVote(0, true);
    memberFourReports();
    Member three = new Member(3, HIGH, 0);
    runAll();
    Member one = new Member(1, LOW, 0);
    // Member 1 has announced and read the token naming its half; before it starts counting, it is
    // cut off, its session ends (and its report with it), it reconnects with a new session, and
    // meanwhile member 2 gave the vote up and member 3 took it for the high half.
    one.witness.afterAnnouncedTokenRead(
        () -> {
          one.witness.connection(ConnectionState.SUSPENDED);
          one.witness.connection(ConnectionState.LOST);
          one.witness.newSession(0x1001);
          board.putReport(
              MemberId.of(2),
              SESSION_TWO,
              new ArbiterNodes.Stored(new ArbiterReport(MemberId.of(2), LOW, 0, 3, true), false));
          board.expire(SESSION_TWO);
          three.worker.runAll();
          three.worker.runAll();
          assertThat(three.counts()).isTrue();
          one.witness.connection(ConnectionState.RECONNECTED);
        });
    runAll();

    assertThat(three.counts()).isTrue();
    assertThat(one.counts()).isFalse();
  }

  private static SortedSet<MemberId> ids(int... values) {
    SortedSet<MemberId> ids = new TreeSet<>();
    for (int v : values) {
      ids.add(MemberId.of(v));
    }
    return Collections.unmodifiableSortedSet(ids);
  }
}
