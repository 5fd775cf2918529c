package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class QuorumServiceTest {
  private static final MemberId ONE = MemberId.of(1);
  private final AtomicLong clock = new AtomicLong();
  private final List<QuorumEvent> events = new ArrayList<>();

  private QuorumService.Builder service(QuorumPolicy policy) {
    return QuorumService.builder(policy, ONE).clock(clock::get).notifier(Runnable::run);
  }

  @Test
  void listenersGetEveryChangeOnceAndInOrder() {
    try (QuorumService quorum = service(QuorumPolicy.builder(Clusters.ofSize(5)).build()).build()) {
      QuorumState initial = quorum.addListener(events::add);
      quorum.update(Clusters.upTo(5));
      quorum.update(Clusters.upTo(5)); // no change, no event
      quorum.update(Clusters.ids(1, 2));
      quorum.update(Clusters.ids(1, 2, 3));
      quorum.refresh(); // no change, no event

      assertThat(events).extracting(QuorumEvent::sequence).containsExactly(1L, 2L, 3L);
      assertThat(events.get(0).previous()).isEqualTo(initial);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).previous()).isEqualTo(events.get(i - 1).current());
      }
      assertThat(events).extracting(e -> e.current().quorate()).containsExactly(true, false, true);
      assertThat(events.get(1).lostQuorum()).isTrue();
      assertThat(events.get(2).gainedQuorum()).isTrue();
      assertThat(events.get(2).current()).isEqualTo(quorum.state());
    }
  }

  @Test
  void aVoteSourceThatThrowsCastsNoVoteInsteadOfFreezingTheState() {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    VoteSource disk =
        VoteSource.toPartitionOf(
            "qdisk",
            1,
            () -> {
              if (failure.get() != null) {
                throw failure.get();
              }
              return Optional.of(ONE);
            });
    QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(2)).voteSource(disk).build();
    try (QuorumService quorum = service(policy).build()) {
      quorum.update(Clusters.ids(1));
      assertThat(quorum.grantsAllowed()).as("1 member + the disk: 2 of 3").isTrue();

      // The member is cut off; the disk's owner fails while being asked. The loss must still count.
      failure.set(new IllegalStateException("disk read failed"));
      QuorumState state = quorum.update(Clusters.ids(1));
      assertThat(state.quorate()).isFalse();
      assertThat(state.votes()).isEqualTo(1);
      assertThat(quorum.grantsAllowed()).isFalse();
    }
  }

  @Test
  void aTieBreakerThatThrowsGrantsNothingInsteadOfFreezingTheState() {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    TieBreaker arbiter =
        context -> {
          if (failure.get() != null) {
            throw failure.get();
          }
          return context.partition().contains(ONE);
        };
    QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(4)).autoTieBreaker(arbiter).build();
    try (QuorumService quorum = service(policy).build()) {
      quorum.update(Clusters.upTo(4));
      failure.set(new IllegalStateException("arbiter unreachable"));
      QuorumState state = quorum.update(Clusters.ids(1, 2));
      assertThat(state.quorate()).isFalse();
      assertThat(state.reason()).isEqualTo(QuorumReason.TIE_BREAKER_LOST);
      assertThat(quorum.grantsAllowed()).isFalse();
    }
  }

  @Test
  void listenersRunOutsideTheServiceLock() throws Exception {
    ExecutorService notifier = Executors.newSingleThreadExecutor();
    try (QuorumService quorum =
        QuorumService.builder(QuorumPolicy.builder(Clusters.ofSize(3)).build(), ONE)
            .clock(clock::get)
            .notifier(notifier)
            .build()) {
      CountDownLatch inListener = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      quorum.addListener(
          event -> {
            seen.add(event.sequence());
            inListener.countDown();
            try {
              release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      quorum.update(Clusters.upTo(3));
      assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue();
      // The listener is blocked; the service must still take updates and answer.
      QuorumState next =
          CompletableFuture.supplyAsync(() -> quorum.update(Clusters.ids(1)))
              .get(5, TimeUnit.SECONDS);
      assertThat(next.quorate()).isFalse();
      assertThat(quorum.grantsAllowed()).isFalse();
      release.countDown();
      notifier.shutdown();
      assertThat(notifier.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).containsExactly(1L, 2L);
    } finally {
      notifier.shutdownNow();
    }
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    try (QuorumService quorum = service(QuorumPolicy.builder(Clusters.ofSize(3)).build()).build()) {
      quorum.addListener(
          event -> {
            throw new IllegalStateException("listener bug");
          });
      quorum.addListener(events::add);
      quorum.update(Clusters.upTo(3));
      quorum.update(Clusters.ids(1));
      assertThat(events).hasSize(2);
    }
  }

  @Test
  void stopRefusesGrantsAndAsksToRevokeHeldLeases() {
    try (QuorumService quorum = service(QuorumPolicy.builder(Clusters.ofSize(3)).build()).build()) {
      quorum.addListener(events::add);
      assertThat(quorum.grantsAllowed()).as("no membership yet").isFalse();
      quorum.update(Clusters.upTo(3));
      assertThat(quorum.grantsAllowed()).isTrue();
      quorum.update(Clusters.ids(1));
      assertThat(quorum.grantsAllowed()).isFalse();
      assertThat(events).extracting(QuorumEvent::revokeHeldLeases).containsExactly(false, true);
      assertThat(quorum.noQuorumPolicy()).isEqualTo(NoQuorumPolicy.STOP);
    }
  }

  @Test
  void freezeRefusesGrantsButKeepsHeldLeases() {
    try (QuorumService quorum =
        service(QuorumPolicy.builder(Clusters.ofSize(3)).build())
            .noQuorumPolicy(NoQuorumPolicy.FREEZE)
            .build()) {
      quorum.addListener(events::add);
      quorum.update(Clusters.upTo(3));
      quorum.update(Clusters.ids(1));
      assertThat(quorum.grantsAllowed()).isFalse();
      assertThat(events.get(1).lostQuorum()).isTrue();
      assertThat(events.get(1).revokeHeldLeases()).isFalse();
    }
  }

  @Test
  void selfFenceIsCalledOncePerLossButNeverAtStartUp() {
    List<SelfFenceReason> fenced = new ArrayList<>();
    try (QuorumService quorum =
        service(QuorumPolicy.builder(Clusters.ofSize(3)).build())
            .noQuorumPolicy(NoQuorumPolicy.SELF_FENCE)
            .selfFence(SelfFence.callback(fenced::add))
            .build()) {
      quorum.update(Clusters.ids(1)); // never quorate yet: waiting, not a loss
      assertThat(fenced).isEmpty();
      quorum.update(Clusters.upTo(3));
      quorum.update(Clusters.ids(1));
      quorum.update(Clusters.ids(1, 3)); // regained
      quorum.update(Clusters.ids(1)); // lost again
      assertThat(fenced).containsExactly(SelfFenceReason.QUORUM_LOST, SelfFenceReason.QUORUM_LOST);
    }
  }

  @Test
  void selfFenceNeedsACallback() {
    assertThatThrownBy(
            () ->
                service(QuorumPolicy.builder(Clusters.ofSize(3)).build())
                    .noQuorumPolicy(NoQuorumPolicy.SELF_FENCE)
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("SELF_FENCE");
  }

  @Test
  void lastManStandingWindowEndsOnTheInjectedClock() {
    QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(8)).lastManStanding(true).build();
    try (QuorumService quorum = service(policy).build()) {
      quorum.addListener(events::add);
      quorum.update(Clusters.upTo(8));
      quorum.update(Clusters.upTo(5));
      clock.set(9 * Clusters.SECOND);
      assertThat(quorum.refresh().expectedVotes()).isEqualTo(8);
      clock.set(10 * Clusters.SECOND);
      assertThat(quorum.refresh().expectedVotes()).isEqualTo(5);
      assertThat(events).last().extracting(e -> e.current().expectedVotes()).isEqualTo(5);
    }
  }

  @Test
  void voteSourcesAddTheirVotesToThePartitionTheyFavour() {
    AtomicReference<Optional<MemberId>> master = new AtomicReference<>(Optional.of(ONE));
    VoteSource disk = VoteSource.toPartitionOf("qdisk", 1, master::get);
    QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(2)).voteSource(disk).build();
    try (QuorumService quorum = service(policy).build()) {
      QuorumState withDisk = quorum.update(Clusters.ids(1));
      assertThat(withDisk.votes()).isEqualTo(2);
      assertThat(withDisk.expectedVotes()).isEqualTo(3);
      assertThat(withDisk.quorate()).isTrue();
      master.set(Optional.of(MemberId.of(2)));
      assertThat(quorum.refresh().quorate()).isFalse();
    }
  }

  @Test
  void persistedExpectedVotesAreResumed() {
    try (QuorumService quorum =
        service(QuorumPolicy.builder(Clusters.ofSize(3)).build())
            .persistedExpectedVotes(5)
            .build()) {
      assertThat(quorum.update(Clusters.upTo(3)).quorate()).as("3 of 5 persisted").isTrue();
      assertThat(quorum.update(Clusters.ids(1, 2)).quorate()).as("2 of 5").isFalse();
    }
  }

  @Test
  void rejectsMembershipsWithoutTheLocalMemberAndUseAfterClose() {
    QuorumService quorum = service(QuorumPolicy.builder(Clusters.ofSize(3)).build()).build();
    assertThatThrownBy(() -> quorum.update(Clusters.ids(2, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("local member 1");
    quorum.update(Clusters.upTo(3));
    quorum.close();
    assertThat(quorum.grantsAllowed()).isFalse();
    assertThatThrownBy(() -> quorum.update(Clusters.upTo(3)))
        .isInstanceOfSatisfying(
            QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
  }

  @Test
  void refusesALocalMemberOutsideTheTopology() {
    assertThatThrownBy(
            () ->
                QuorumService.builder(
                    QuorumPolicy.builder(Clusters.ofSize(3)).build(), MemberId.of(7)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContainingAll("quorum.local_member", "7");
  }

  @Test
  void defaultNotifierDeliversOnItsOwnThread() throws Exception {
    CompletableFuture<String> thread = new CompletableFuture<>();
    try (QuorumService quorum =
        QuorumService.builder(QuorumPolicy.builder(Clusters.ofSize(1)).build(), ONE).build()) {
      quorum.addListener(event -> thread.complete(Thread.currentThread().getName()));
      quorum.update(Clusters.ids(1));
      assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("quorate-quorum-notifier");
    }
  }
}
