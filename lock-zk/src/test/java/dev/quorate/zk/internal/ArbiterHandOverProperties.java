package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import dev.quorate.quorum.VoteSource;
import dev.quorate.zk.Ffsplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Four members run the vote hand-over on an in-memory witness under random schedules: any member's
 * next step, heuristics turning, partitions splitting and healing, connections blinking, sessions
 * ending. After every step, no two different partitions count the arbiter's vote, and while the
 * token names a partition nobody outside it counts the vote. Each seed replays exactly.
 */
@Timeout(120)
class ArbiterHandOverProperties {
  private static final List<SortedSet<MemberId>> VIEWS =
      List.of(ids(1, 2), ids(3, 4), ids(1, 2, 3, 4), ids(1), ids(1, 2, 3));

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= 1500; s++) {
      seeds.add(s);
    }
    return seeds;
  }

  private final Topology topology =
      Topology.builder()
          .member(1, 1, "hv-1")
          .member(2, 1, "hv-2")
          .member(3, 1, "hv-3")
          .member(4, 1, "hv-4")
          .build();
  private final InMemoryWitness.Board board = new InMemoryWitness.Board();
  private final List<Member> members = new ArrayList<>();
  private long nextSession = 0x1000;

  private final class Member {
    final MemberId id;
    final AtomicBoolean gateway = new AtomicBoolean(true);
    final InMemoryWitness witness;
    final ManualExecutor worker = new ManualExecutor(ArbiterHandOverProperties.this::assertSafe);
    final ArbiterSession session;
    final QuorumService quorum;

    Member(int id) {
      this.id = MemberId.of(id);
      this.witness = new InMemoryWitness(board, this.id, nextSession++);
      this.session =
          new ArbiterSession(
              witness, this.id, List.of(gateway::get), Ffsplit.LastResort.LOWEST_ID, worker);
      VoteSource source = ArbiterHandOverTest.source(session);
      this.quorum =
          QuorumService.builder(QuorumPolicy.builder(topology).voteSource(source).build(), this.id)
              .notifier(Runnable::run)
              .build();
      quorum.update(ids(1, 2, 3, 4));
      session.attach(quorum);
    }

    SortedSet<MemberId> view() {
      return quorum.state().members();
    }

    boolean counts() {
      return session.castsVote(view());
    }
  }

  private void assertSafe() {
    List<SortedSet<MemberId>> counted =
        members.stream().filter(Member::counts).map(Member::view).distinct().toList();
    assertThat(counted)
        .as("partitions counting the arbiter vote; witness: %s", board)
        .hasSizeLessThanOrEqualTo(1);
    board
        .token()
        .ifPresent(
            token ->
                assertThat(
                        members.stream()
                            .filter(m -> m.counts() && !token.partition().equals(m.view()))
                            .map(m -> m.id))
                    .as("members counting the vote while the token names %s", token.partition())
                    .isEmpty());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void theVoteIsNeverCountedByTwoPartitions(long seed) {
    Random random = new Random(seed);
    for (int id = 1; id <= 4; id++) {
      members.add(new Member(id));
    }
    // Between any two witness operations of one member, others may take steps too.
    board.interleave(
        () -> {
          while (random.nextInt(3) == 0) {
            step(random);
          }
        });
    for (int step = 0; step < 400; step++) {
      step(random);
      assertSafe();
    }
  }

  private void step(Random random) {
    Member m = members.get(random.nextInt(members.size()));
    int action = random.nextInt(100);
    if (action < 70) {
      if (!m.worker.running()) {
        m.worker.runOne();
      }
    } else if (action < 80) {
      SortedSet<MemberId> view = VIEWS.get(random.nextInt(VIEWS.size()));
      if (view.contains(m.id)) {
        m.quorum.update(view);
      }
    } else if (action < 87) {
      m.gateway.set(!m.gateway.get());
    } else if (action < 94) {
      m.witness.connection(ConnectionState.SUSPENDED);
      m.witness.connection(ConnectionState.RECONNECTED);
    } else {
      m.witness.connection(ConnectionState.SUSPENDED);
      m.witness.connection(ConnectionState.LOST);
      m.witness.newSession(nextSession++);
      m.witness.connection(ConnectionState.RECONNECTED);
    }
    assertSafe();
  }

  private static SortedSet<MemberId> ids(int... values) {
    SortedSet<MemberId> ids = new TreeSet<>();
    for (int v : values) {
      ids.add(MemberId.of(v));
    }
    return ids;
  }
}
