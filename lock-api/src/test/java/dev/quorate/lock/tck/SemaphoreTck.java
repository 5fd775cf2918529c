package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.Permit;
import dev.quorate.lock.PermitEvent;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Semaphore;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit for {@link LockManager#semaphore}: an implementation extends it and
 * supplies {@link #newManager()} (and {@link #newPeer}); a manager that offers no semaphores says
 * so with {@link #offered()} and is checked to refuse clearly.
 *
 * <pre>{@code
 * class MyManagerSemaphoreTckTest extends SemaphoreTck {
 *   protected LockManager newManager() {
 *     return MyManager.connect(cluster);
 *   }
 * }
 * }</pre>
 */
public abstract class SemaphoreTck extends RecipeTckSupport {
  @Test
  void neverMoreHoldersThanPermitsAndTokensRiseInGrantOrder() throws Exception {
    String name = freshResource();
    int permits = 3;
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<LockManager> members = List.of(manager(), peer(), anotherPeer());
    ExecutorService workers = Executors.newFixedThreadPool(2 * members.size());
    try {
      List<Future<List<FencingToken>>> taken = new ArrayList<>();
      for (int i = 0; i < 2 * members.size(); i++) {
        Semaphore semaphore = members.get(i % members.size()).semaphore(name, permits);
        taken.add(
            workers.submit(
                () -> {
                  List<FencingToken> tokens = new ArrayList<>();
                  for (int round = 0; round < rounds(); round++) {
                    try (Permit permit = semaphore.acquire()) {
                      permit.checkValid();
                      int now = holding.incrementAndGet();
                      most.accumulateAndGet(now, Math::max);
                      assertThat(now).as("holders at once").isLessThanOrEqualTo(permits);
                      tokens.add(permit.token());
                      Thread.yield();
                      holding.decrementAndGet();
                    }
                  }
                  return tokens;
                }));
      }
      List<FencingToken> all = new ArrayList<>();
      for (Future<List<FencingToken>> tokens : taken) {
        List<FencingToken> mine = tokens.get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS);
        assertThat(mine).as("one worker's tokens, in the order it took them").isSorted();
        all.addAll(mine);
      }
      assertThat(all).hasSize(2 * members.size() * rounds()).doesNotHaveDuplicates();
      assertThat(most.get()).isBetween(1, permits);
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void aLaterGrantHasAGreaterToken() throws Exception {
    String name = freshResource();
    Permit first = manager().semaphore(name, 2).acquire();
    Permit second = peer().semaphore(name, 2).acquire();
    first.release();
    Permit third = manager().semaphore(name, 2).acquire();
    assertThat(second.token().isNewerThan(first.token())).isTrue();
    assertThat(third.token().isNewerThan(second.token())).isTrue();
    assertThat(third.semaphore()).isEqualTo(name);
    second.release();
    third.release();
  }

  @Test
  void releaseReturnsAPermit() throws Exception {
    String name = freshResource();
    Semaphore mine = manager().semaphore(name, 2);
    Semaphore theirs = peer().semaphore(name, 2);
    assertThat(theirs.permits()).isEqualTo(2);
    Permit one = mine.acquire();
    Permit two = mine.acquire();
    assertThat(theirs.tryAcquire(REFUSAL_WINDOW)).isEmpty();
    assertThat(theirs.tryAcquire(Duration.ZERO)).isEmpty();
    CompletableFuture<Permit> cancelled = theirs.acquireAsync();
    cancelled.cancel(false);
    CompletableFuture<Permit> waiting = theirs.acquireAsync();
    one.release();
    one.release();
    Permit three = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(one.state()).isEqualTo(LeaseState.RELEASED);
    assertThatThrownBy(one::checkValid).isInstanceOf(LeaseLostException.class);
    two.release();
    // Had the cancelled request stayed queued, it would hold the freed permit.
    Optional<Permit> four = theirs.tryAcquire(PATIENCE);
    assertThat(four).isPresent();
    three.release();
    four.get().release();
  }

  @Test
  void aPermitIsLostWithItsSessionAndReturnsToOthers() throws Exception {
    String name = freshResource();
    // With one member for all roles (an in-process manager), losing it ends the lock space.
    boolean oneMember = peer() == manager();
    LockManager doomed = oneMember ? manager() : extraManager();
    Permit permit = doomed.semaphore(name, 1).acquire();
    List<PermitEvent> events = new CopyOnWriteArrayList<>();
    permit.addListener(events::add);
    CompletableFuture<Permit> next = oneMember ? null : peer().semaphore(name, 1).acquireAsync();
    loseSession(doomed);
    eventually().until(() -> permit.state() == LeaseState.LOST);
    eventually().until(() -> events.stream().anyMatch(e -> e.to() == LeaseState.LOST));
    assertThat(events.stream().filter(e -> e.to() == LeaseState.LOST)).hasSize(1);
    assertThat(events.get(events.size() - 1).to()).isEqualTo(LeaseState.LOST);
    if (!oneMember) {
      Permit taken = next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(taken.token().isNewerThan(permit.token())).isTrue();
      taken.release();
    }
  }

  @Test
  void membersMustAgreeOnThePermits() throws Exception {
    String name = freshResource();
    try (Permit permit = manager().semaphore(name, 2).acquire()) {
      assertThatThrownBy(() -> peer().semaphore(name, 3).acquire())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("2")
          .hasMessageContaining("3");
      assertThat(permit.state()).isEqualTo(LeaseState.GRANTED);
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() throws Exception {
    assertThatThrownBy(() -> manager().semaphore(freshResource(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> manager().semaphore("", 1))
        .isInstanceOf(IllegalArgumentException.class);
    Semaphore semaphore = manager().semaphore(freshResource(), 1);
    assertThatThrownBy(() -> semaphore.tryAcquire(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void aClosedManagerFailsRequestsThroughTheFuture() throws Exception {
    LockManager member = extraManager();
    Semaphore semaphore = member.semaphore(freshResource(), 1);
    member.close();
    assertThatThrownBy(() -> semaphore.acquireAsync().join())
        .hasCauseInstanceOf(QuorateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(semaphore::acquire).hasMessageContaining("closed");
  }

  /** Runs only for managers that offer no semaphores. */
  @Test
  void refusesClearlyWhenNotOffered() throws Exception {
    assertThatThrownBy(() -> manager().semaphore("vm-starts", 2))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("offers no semaphores")
        .hasMessageContaining("vm-starts");
  }
}
