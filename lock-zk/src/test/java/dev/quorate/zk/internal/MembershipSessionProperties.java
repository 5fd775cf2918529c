package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Member 1 runs the membership against in-memory nodes under random schedules: its steps, peers
 * joining and leaving, its connection blinking or its session ending, its node deleted by hand.
 * While cut off it counts only itself; once connected and quiet, it feeds exactly the members whose
 * nodes are there, its own registered in its current session with its true quorate flag.
 */
@Timeout(120)
class MembershipSessionProperties {
  private static final Topology TOPOLOGY =
      Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").build();
  private static final Member ONE = TOPOLOGY.member(MemberId.of(1)).orElseThrow();

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= 300; s++) {
      seeds.add(s);
    }
    return seeds;
  }

  private final InMemoryMemberNodes nodes = new InMemoryMemberNodes(ONE.id(), 0x11);
  private final ManualExecutor worker = new ManualExecutor();
  private final long[] peerSession = new long[4];
  private long nextSession = 0x100;
  private boolean connected = true;

  private void step(Random random, MembershipSession session, QuorumService quorum) {
    int action = random.nextInt(100);
    if (action < 55) {
      if (!worker.running()) {
        worker.runOne();
      }
    } else if (action < 70) {
      int peer = 2 + random.nextInt(2);
      if (peerSession[peer] != 0 && random.nextBoolean()) {
        nodes.expire(peerSession[peer]);
        peerSession[peer] = 0;
      } else {
        if (peerSession[peer] == 0) {
          peerSession[peer] = nextSession++;
        }
        Member member = TOPOLOGY.member(MemberId.of(peer)).orElseThrow();
        nodes.put(new MemberRecord(member, 1, random.nextBoolean()), peerSession[peer]);
      }
    } else if (action < 80) {
      if (connected) {
        nodes.connection(ConnectionState.SUSPENDED);
        connected = false;
      } else {
        nodes.connection(ConnectionState.RECONNECTED);
        connected = true;
      }
    } else if (action < 88) {
      if (!connected) {
        nodes.connection(ConnectionState.LOST);
        nodes.newSession(nextSession++);
        nodes.connection(ConnectionState.RECONNECTED);
        connected = true;
      }
    } else if (action < 94) {
      nodes.expireOwnNodeByHand();
    } else if (!worker.running()) {
      worker.runAll();
    }
    if (!connected) {
      assertThat(session.lastFed().present()).as("fed while cut off").containsExactly(ONE.id());
      assertThat(quorum.grantsAllowed()).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void cutOffItCountsOnlyItselfAndOnceQuietItFeedsWhatIsThere(long seed) throws Exception {
    Random random = new Random(seed);
    QuorumService quorum =
        QuorumService.builder(QuorumPolicy.builder(TOPOLOGY).build(), ONE.id())
            .notifier(Runnable::run)
            .build();
    MembershipSession session = new MembershipSession(nodes, "/m", ONE, quorum, worker);
    MembershipSessionTest.start(session, worker);

    nodes.interleave(
        () -> {
          while (random.nextInt(3) == 0) {
            step(random, session, quorum);
          }
        });
    for (int step = 0; step < 300; step++) {
      step(random, session, quorum);
    }
    nodes.interleave(() -> {});

    if (!connected) {
      nodes.connection(ConnectionState.RECONNECTED);
    }
    for (int round = 0; round < 10 && worker.hasTasks(); round++) {
      worker.runAll();
    }
    Set<MemberId> there = new TreeSet<>(Set.of(ONE.id()));
    for (int peer = 2; peer <= 3; peer++) {
      if (peerSession[peer] != 0) {
        there.add(MemberId.of(peer));
      }
    }
    assertThat(nodes.own()).as("its node in its current session").isPresent();
    assertThat(session.lastFed().present()).isEqualTo(there);
    assertThat(nodes.own().orElseThrow().quorate()).isEqualTo(quorum.state().quorate());
    session.close();
    assertThat(nodes.anyOwn()).isFalse();
  }
}
