package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The membership's rules, driven step by step against member nodes in memory: member 1 runs the
 * real session; members 2 and 3 are played by the test writing their nodes.
 */
@Timeout(30)
class MembershipSessionTest {
  private static final Topology TOPOLOGY =
      Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").build();
  private static final Member ONE = TOPOLOGY.member(MemberId.of(1)).orElseThrow();

  private final InMemoryMemberNodes nodes = new InMemoryMemberNodes(ONE.id(), 0x11);
  private final ManualExecutor worker = new ManualExecutor();

  private MembershipSession startWith(QuorumPolicy policy) throws Exception {
    for (int id = 2; id <= 3; id++) {
      Member member = TOPOLOGY.member(MemberId.of(id)).orElseThrow();
      nodes.put(new MemberRecord(member, 1, false), 0x10L * id + id);
    }
    QuorumService quorum = QuorumService.builder(policy, ONE.id()).notifier(Runnable::run).build();
    MembershipSession session = new MembershipSession(nodes, "/m", ONE, quorum, worker);
    start(session, worker);
    worker.runAll();
    assertThat(session.lastFed().present()).hasSize(3);
    assertThat(quorum.grantsAllowed()).isTrue();
    return session;
  }

  /** Starts the session, running its worker by hand until the first registration is done. */
  static void start(MembershipSession session, ManualExecutor worker) throws Exception {
    CompletableFuture<Void> started =
        CompletableFuture.runAsync(
            () -> {
              try {
                session.start(Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1))
        .until(worker::hasTasks);
    worker.runAll();
    started.get(10, TimeUnit.SECONDS);
  }

  /** The client loses its session and connects again with a new one. */
  private void loseSession() {
    nodes.connection(ConnectionState.SUSPENDED);
    nodes.connection(ConnectionState.LOST);
    nodes.newSession(0x12);
    nodes.connection(ConnectionState.RECONNECTED);
  }

  @Test
  void closeWhileRegisteringLeavesNoMemberNode() throws Exception {
    MembershipSession session = startWith(QuorumPolicy.builder(TOPOLOGY).build());
    nodes.afterRegister(session::close);
    loseSession();
    worker.runAll();

    assertThat(nodes.anyOwn()).as("a node of the closed member, counted by the others").isFalse();
  }

  @Test
  void aReadMadeBeforeTheSessionWasLostIsNotFedAfterIt() throws Exception {
    MembershipSession session = startWith(QuorumPolicy.builder(TOPOLOGY).build());
    // A read finishes; before it is applied, the session is lost (its node with it) and the client
    // connects again with a new session.
    nodes.afterRead(this::loseSession);
    nodes.put(new MemberRecord(TOPOLOGY.member(MemberId.of(2)).orElseThrow(), 1, true), 0x22);
    worker.runOne();

    assertThat(session.lastFed().present())
        .as("fed from nodes read under the lost session")
        .containsExactly(ONE.id());
    worker.runAll();
    assertThat(session.incarnation()).isEqualTo(2);
    assertThat(session.lastFed().present()).hasSize(3);
  }

  @Test
  void itsOwnQuorateFlagFromBeforeACutDoesNotEndWaitForAll() throws Exception {
    MembershipSession session = startWith(QuorumPolicy.builder(TOPOLOGY).waitForAll(true).build());
    assertThat(nodes.own().orElseThrow().quorate()).isTrue();

    // Cut off, the member is alone and waits for all again; it could not clear its flag meanwhile.
    nodes.connection(ConnectionState.SUSPENDED);
    nodes.expire(0x33); // member 3 is gone when the connection returns
    nodes.connection(ConnectionState.RECONNECTED);
    worker.runAll();

    assertThat(session.lastFed().present()).containsExactly(MemberId.of(1), MemberId.of(2));
    assertThat(session.lastFed().quorateReporters()).isEmpty();
    assertThat(nodes.own().orElseThrow().quorate()).as("the flag it publishes").isFalse();
  }

  @Test
  void aFlagLeftTrueByACutIsCorrectedWhenTheConnectionReturns() throws Exception {
    MembershipSession session = startWith(QuorumPolicy.builder(TOPOLOGY).build());
    assertThat(nodes.own().orElseThrow().quorate()).isTrue();

    nodes.connection(ConnectionState.SUSPENDED);
    nodes.expire(0x22);
    nodes.expire(0x33); // alone when the connection returns: no quorum change to publish
    nodes.connection(ConnectionState.RECONNECTED);
    worker.runAll();

    assertThat(session.lastFed().present()).containsExactly(MemberId.of(1));
    assertThat(nodes.own().orElseThrow().quorate()).as("the flag it publishes").isFalse();
  }

  @Test
  void aRegistrationThatOutlivesTheStartTimeoutLeavesNoMemberNode() throws Exception {
    QuorumService quorum =
        QuorumService.builder(QuorumPolicy.builder(TOPOLOGY).build(), ONE.id())
            .notifier(Runnable::run)
            .build();
    MembershipSession session = new MembershipSession(nodes, "/m", ONE, quorum, worker);
    CompletableFuture<Throwable> started =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                session.start(Duration.ofMillis(200));
                return null;
              } catch (Exception e) {
                return e;
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(worker::hasTasks);
    // The server is slow: the node is created only after start gave up, and ZkMembership.build,
    // seeing the failure, closed the session.
    nodes.afterRegister(
        () -> {
          assertThat(started.join()).isInstanceOf(QuorateException.class);
          session.close();
        });
    worker.runAll();

    assertThat(nodes.anyOwn()).as("a node of a member that never joined").isFalse();
  }
}
