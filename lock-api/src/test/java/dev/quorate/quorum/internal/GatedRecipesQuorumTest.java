package dev.quorate.quorum.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Election;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipEnd;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.Permit;
import dev.quorate.lock.PermitEvent;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Semaphore;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.NoQuorumPolicy;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Elections and semaphores behind the quorum gate obey quorum as locks do: losing it (under STOP)
 * ends a leadership and a held permit LOST, heard once, and withdraws waiting campaigns and permit
 * requests; without it, nobody campaigns or takes a permit.
 */
@Timeout(30)
class GatedRecipesQuorumTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final Set<MemberId> QUORATE = Set.of(MemberId.of(1), MemberId.of(2));
  private static final Set<MemberId> ALONE = Set.of(MemberId.of(1));

  private static final Topology THREE =
      Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").build();

  private final QuorumService quorum =
      QuorumService.builder(QuorumPolicy.builder(THREE).build(), MemberId.of(1)).build();
  private final LockManager manager = QuorumGate.requireQuorum(LockManager.inProcess(), quorum);

  @AfterEach
  void close() {
    manager.close();
    quorum.close();
  }

  @Test
  void losingQuorumEndsALeadershipLostOnceAndWithdrawsWaitingCampaigns() throws Exception {
    quorum.update(QUORATE);
    Election election = manager.election("scheduler");
    Leadership leadership = election.campaign("a");
    List<LeadershipEnd> ends = new CopyOnWriteArrayList<>();
    leadership.addListener(ends::add);
    CompletableFuture<Leadership> waiting = election.campaignAsync("b");

    quorum.update(ALONE);

    // Heard without anybody looking at the leadership: the quorum event alone ends it.
    await().atMost(PATIENCE).until(() -> ends.size() == 1);
    assertThat(leadership.state()).isEqualTo(LeaseState.LOST);
    assertThatThrownBy(leadership::checkValid).isInstanceOf(LeaseLostException.class);
    assertNoQuorum(() -> join(waiting));
    // A late listener is served after the first ones: when it has heard, they all have.
    List<LeadershipEnd> late = new CopyOnWriteArrayList<>();
    leadership.resign();
    leadership.addListener(late::add);
    await().atMost(PATIENCE).until(() -> late.size() == 1);
    assertThat(ends).hasSize(1);
    assertThat(ends.get(0).state()).isEqualTo(LeaseState.LOST);
    assertThat(ends.get(0).cause()).contains("quorum lost");
    // Resigned underneath, so a quorate member could lead.
    await().atMost(PATIENCE).until(() -> election.leader().isEmpty());
  }

  @Test
  void losingQuorumEndsAHeldPermitLostOnceAndWithdrawsWaitingRequests() throws Exception {
    quorum.update(QUORATE);
    Semaphore starts = manager.semaphore("vm-starts", 1);
    Permit permit = starts.acquire();
    List<PermitEvent> events = new CopyOnWriteArrayList<>();
    permit.addListener(events::add);
    CompletableFuture<Permit> waiting = starts.acquireAsync();

    quorum.update(ALONE);

    // Heard without anybody looking at the permit: the quorum event alone ends it.
    await().atMost(PATIENCE).until(() -> !events.isEmpty());
    assertThat(permit.state()).isEqualTo(LeaseState.LOST);
    assertThatThrownBy(permit::checkValid).isInstanceOf(LeaseLostException.class);
    assertNoQuorum(() -> join(waiting));
    permit.release();
    assertThat(events)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.permit()).isSameAs(permit);
              assertThat(event.from()).isEqualTo(LeaseState.GRANTED);
              assertThat(event.to()).isEqualTo(LeaseState.LOST);
              assertThat(event.cause()).contains("quorum lost");
            });
  }

  @Test
  void aLeaderStopsLeadingAndAPermitEndsTheMomentQuorumIsLost() throws Exception {
    quorum.update(QUORATE);
    Leadership leadership = manager.election("scheduler").campaign("a");
    Permit permit = manager.semaphore("vm-starts", 1).acquire();

    quorum.update(ALONE);

    // Before the quorum event reaches the gate's listener, which runs on another thread.
    assertThat(leadership.isLeading()).isFalse();
    assertThat(permit.state()).isEqualTo(LeaseState.LOST);
  }

  @Test
  void underFreezeHoldersKeepTheirGrantsButWaitingRequestsAreWithdrawn() throws Exception {
    try (QuorumService frozen =
            QuorumService.builder(QuorumPolicy.builder(THREE).build(), MemberId.of(1))
                .noQuorumPolicy(NoQuorumPolicy.FREEZE)
                .build();
        LockManager gated = QuorumGate.requireQuorum(LockManager.inProcess(), frozen)) {
      frozen.update(QUORATE);
      Election election = gated.election("scheduler");
      Semaphore starts = gated.semaphore("vm-starts", 1);
      Leadership leadership = election.campaign("a");
      Permit permit = starts.acquire();
      CompletableFuture<Leadership> campaign = election.campaignAsync("b");
      CompletableFuture<Permit> request = starts.acquireAsync();

      frozen.update(ALONE);

      // Nothing new may start without quorum, not even what was asked for before the loss.
      assertNoQuorum(() -> join(campaign));
      assertNoQuorum(() -> join(request));
      assertThat(leadership.isLeading()).isTrue();
      assertThat(permit.state()).isEqualTo(LeaseState.GRANTED);
    }
  }

  @Test
  void withoutQuorumNobodyCampaignsOrTakesAPermitUntilItReturns() throws Exception {
    Election election = manager.election("scheduler");
    Semaphore starts = manager.semaphore("vm-starts", 2);

    assertNoQuorum(() -> election.campaign("a"));
    assertNoQuorum(() -> election.tryCampaign("a", Duration.ZERO));
    assertNoQuorum(() -> join(election.campaignAsync("a")));
    assertNoQuorum(starts::acquire);
    assertNoQuorum(() -> starts.tryAcquire(Duration.ZERO));
    assertThat(election.leader()).isEmpty();

    quorum.update(QUORATE);
    try (Leadership leadership = election.campaign("a");
        Permit permit = starts.acquire()) {
      assertThat(leadership.isLeading()).isTrue();
      assertThat(permit.state()).isEqualTo(LeaseState.GRANTED);
      assertThat(election.leader()).contains(leadership.leader());
    }
  }

  private static <T> T join(CompletableFuture<T> request) throws Exception {
    try {
      return request.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static void assertNoQuorum(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_QUORUM))
        .hasMessageContaining("not quorate");
  }
}
