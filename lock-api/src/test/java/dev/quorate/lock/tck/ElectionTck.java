package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Election;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipEnd;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.TokenGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit for {@link LockManager#election}: an implementation extends it and supplies
 * {@link #newManager()} (and {@link #newPeer}); a manager that offers no elections says so with
 * {@link #offered()} and is checked to refuse clearly.
 *
 * <pre>{@code
 * class MyManagerElectionTckTest extends ElectionTck {
 *   protected LockManager newManager() {
 *     return MyManager.connect(cluster);
 *   }
 * }
 * }</pre>
 */
public abstract class ElectionTck extends RecipeTckSupport {
  @Test
  void leadershipsNeverOverlapAtATokenGuard() throws Exception {
    String name = freshResource();
    TokenGuard guard = TokenGuard.inMemory();
    List<String> writes = new CopyOnWriteArrayList<>();
    AtomicReference<String> leading = new AtomicReference<>();
    List<LockManager> members = List.of(manager(), peer(), anotherPeer());
    ExecutorService candidates = Executors.newFixedThreadPool(members.size());
    try {
      List<Future<List<FencingToken>>> won = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Election election = members.get(i).election(name);
        String candidate = "candidate-" + i;
        won.add(
            candidates.submit(
                () -> {
                  List<FencingToken> epochs = new ArrayList<>();
                  for (int round = 0; round < rounds(); round++) {
                    try (Leadership leadership = election.campaign(candidate)) {
                      assertThat(leading.compareAndSet(null, candidate))
                          .as("%s elected while %s leads", candidate, leading.get())
                          .isTrue();
                      for (int write = 0; write < 3; write++) {
                        leadership.checkValid();
                        // Throws StaleTokenException if a newer leader has written before.
                        guard.access(
                            leadership.token(),
                            () -> writes.add(candidate + "@" + leadership.token()));
                      }
                      epochs.add(leadership.token());
                      leading.set(null);
                    }
                  }
                  return epochs;
                }));
      }
      List<FencingToken> all = new ArrayList<>();
      for (Future<List<FencingToken>> epochs : won) {
        List<FencingToken> mine = epochs.get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS);
        assertThat(mine).as("one candidate's epochs").isSorted().doesNotHaveDuplicates();
        all.addAll(mine);
      }
      assertThat(all).hasSize(members.size() * rounds()).doesNotHaveDuplicates();
      assertThat(writes).hasSize(3 * members.size() * rounds());
    } finally {
      candidates.shutdownNow();
    }
  }

  @Test
  void anotherCandidateIsElectedWhenTheLeaderIsLost() throws Exception {
    String name = freshResource();
    // With one member for all roles (an in-process manager), losing it ends the lock space.
    boolean oneMember = peer() == manager();
    LockManager doomed = oneMember ? manager() : extraManager();
    Leadership first = doomed.election(name).campaign("doomed");
    List<LeadershipEnd> ends = new CopyOnWriteArrayList<>();
    first.addListener(ends::add);
    CompletableFuture<Leadership> next =
        oneMember ? null : peer().election(name).campaignAsync("survivor");
    loseSession(doomed);
    eventually().until(() -> ends.size() == 1);
    assertThat(ends.get(0).state()).isEqualTo(LeaseState.LOST);
    assertThat(first.state()).isEqualTo(LeaseState.LOST);
    assertThatThrownBy(first::checkValid).isInstanceOf(LeaseLostException.class);
    if (!oneMember) {
      Leadership second = next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(second.token().isNewerThan(first.token())).isTrue();
      assertThat(ends).hasSize(1);
      second.resign();
    }
  }

  @Test
  void observersHearEveryChangeOnceAndInOrder() throws Exception {
    String name = freshResource();
    List<Optional<Leader>> heard = new CopyOnWriteArrayList<>();
    Election watched = anotherPeer().election(name);
    watched.addObserver(heard::add);
    eventually().until(() -> heard.size() == 1);
    assertThat(heard.get(0)).isEmpty();

    Leadership a = manager().election(name).campaign("a");
    eventually().until(() -> heard.size() == 2);
    a.resign();
    eventually().until(() -> heard.size() == 3);
    Leadership b = peer().election(name).campaign("b");
    eventually().until(() -> heard.size() == 4);
    assertThat(heard)
        .containsExactly(
            Optional.empty(), Optional.of(a.leader()), Optional.empty(), Optional.of(b.leader()));
    assertThat(b.token().isNewerThan(a.token())).isTrue();
    assertThat(watched.leader()).contains(b.leader());
    b.resign();
    eventually().until(() -> heard.size() == 5);
    assertThat(heard.get(4)).isEmpty();
  }

  @Test
  void theLeaderIsReadByEveryMember() throws Exception {
    String name = freshResource();
    assertThat(peer().election(name).leader()).isEmpty();
    try (Leadership leadership = manager().election(name).campaign("node-a")) {
      Leader leader = leadership.leader();
      assertThat(leader.candidate()).isEqualTo("node-a");
      assertThat(leader.epoch()).isEqualTo(leadership.token());
      assertThat(peer().election(name).leader()).contains(leader);
      assertThat(leadership.election()).isEqualTo(name);
      assertThat(leadership.isLeading()).isTrue();
    }
    // resign() sends the delete of the leader's node and returns; another member reads it gone
    // once the delete commits, a round trip later (docs/elections.md).
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(peer().election(name).leader()).isEmpty());
  }

  @Test
  void aTimedCampaignGivesUpAndWithdraws() throws Exception {
    String name = freshResource();
    Leadership leader = manager().election(name).campaign("leader");
    Election other = peer().election(name);
    assertThat(other.tryCampaign("waiter", REFUSAL_WINDOW)).isEmpty();
    assertThat(other.tryCampaign("waiter", Duration.ZERO)).isEmpty();
    CompletableFuture<Leadership> cancelled = other.campaignAsync("cancelled");
    cancelled.cancel(false);
    leader.resign();
    // Had a withdrawn candidacy stayed queued, it would lead now and this would wait.
    Optional<Leadership> next = other.tryCampaign("next", PATIENCE);
    assertThat(next).isPresent();
    assertThat(next.get().leader().candidate()).isEqualTo("next");
    next.get().resign();
    Optional<Leadership> free = other.tryCampaign("free", Duration.ZERO);
    assertThat(free).isPresent();
    free.get().resign();
  }

  @Test
  void theEndIsHeardOnceEvenByLateListeners() throws Exception {
    Leadership leadership = manager().election(freshResource()).campaign("a");
    List<LeadershipEnd> ends = new CopyOnWriteArrayList<>();
    leadership.addListener(ends::add);
    leadership.resign();
    leadership.resign();
    leadership.addListener(ends::add);
    eventually().until(() -> ends.size() == 2);
    assertThat(ends).allSatisfy(end -> assertThat(end.state()).isEqualTo(LeaseState.RELEASED));
    assertThat(leadership.state()).isEqualTo(LeaseState.RELEASED);
    assertThatThrownBy(leadership::checkValid).isInstanceOf(LeaseLostException.class);
  }

  @Test
  void closingTheManagerEndsLeadershipAndLaterCallsFail() throws Exception {
    LockManager member = extraManager();
    Election election = member.election(freshResource());
    Leadership leadership = election.campaign("a");
    member.close();
    eventually().until(() -> leadership.state() == LeaseState.LOST);
    assertThatThrownBy(() -> member.election("later")).hasMessageContaining("closed");
  }

  @Test
  void badNamesAreRefusedWithTheValue() throws Exception {
    assertThatThrownBy(() -> manager().election("")).isInstanceOf(IllegalArgumentException.class);
    Election election = manager().election(freshResource());
    assertThatThrownBy(() -> election.campaign("bad\nname"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\\u000a");
    assertThatThrownBy(() -> election.tryCampaign("a", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  /** Runs only for managers that offer no elections. */
  @Test
  void refusesClearlyWhenNotOffered() throws Exception {
    assertThatThrownBy(() -> manager().election("scheduler"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("offers no elections")
        .hasMessageContaining("scheduler");
  }
}
