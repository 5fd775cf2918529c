package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The technology compatibility kit: every {@link LockManager} implementation extends this class and
 * supplies {@link #newManager()} (and {@link #newPeer} when members are separate clients).
 *
 * <pre>{@code
 * class MyManagerTckTest extends LockManagerTck {
 *   protected LockManager newManager() {
 *     return MyManager.connect(cluster);
 *   }
 * }
 * }</pre>
 *
 * <p>Covers grants and the compatibility matrix ({@link GrantingTck}), conversions, value blocks
 * and callbacks ({@link ConversionTck}), and here: timeouts, interrupts, the asynchronous entry
 * points, release, listeners, close, and argument checks.
 */
public abstract class LockManagerTck extends RevocationTck {

  @Test
  void tryAcquireGivesUpAfterItsTimeoutAndWithdrawsTheRequest() throws Exception {
    String resource = freshResource();
    Lease holder = grant(manager(), resource, LockMode.EX);
    assertThat(peer().lock(resource).tryAcquire(LockMode.EX, REFUSAL_WINDOW)).isEmpty();
    holder.release();
    // Had the timed-out request stayed queued, it would hold this one back.
    grant(manager(), resource, LockMode.EX).release();
  }

  @Test
  void tryAcquireWithZeroTimeoutAnswersAtOnce() throws Exception {
    String resource = freshResource();
    Optional<Lease> free = manager().lock(resource).tryAcquire(LockMode.EX, Duration.ZERO);
    assertThat(free).isPresent();
    assertThat(peer().lock(resource).tryAcquire(LockMode.PR, Duration.ZERO)).isEmpty();
    free.get().release();
  }

  @Test
  void acquireTimeoutFromOptionsFailsWithLockTimeout() throws Exception {
    String resource = freshResource();
    try (Lease holder = grant(manager(), resource, LockMode.EX)) {
      LockOptions options = LockOptions.builder().acquireTimeout(REFUSAL_WINDOW).build();
      assertThatThrownBy(() -> peer().lock(resource, options).acquire(LockMode.EX))
          .isInstanceOf(LockTimeoutException.class)
          .hasMessageContaining(resource)
          .hasMessageContaining("EX");
      assertThat(holder.state()).isEqualTo(LeaseState.GRANTED);
    }
    grant(peer(), resource, LockMode.EX).release();
  }

  @Test
  void interruptedAcquireThrowsAndWithdrawsTheRequest() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder holderCallbacks = new BlockingRecorder();
    Lease holder = manager().lock(resource, holderCallbacks.options()).acquire(LockMode.EX);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    LockManager waiterMember = contender;
    Thread waiter =
        new Thread(
            () -> {
              try {
                outcome.set(
                    new AssertionError(
                        "granted: " + waiterMember.lock(resource).acquire(LockMode.EX)));
              } catch (InterruptedException | RuntimeException e) {
                outcome.set(e);
              }
            });
    waiter.start();
    holderCallbacks.awaitCount(1);
    waiter.interrupt();
    waiter.join(PATIENCE.toMillis());
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    holder.release();
    grant(manager(), resource, LockMode.EX).release();
  }

  @Test
  void asyncAcquireCompletesWhenTheHolderReleases() throws Exception {
    String resource = freshResource();
    Lease holder = grant(manager(), resource, LockMode.EX);
    CompletableFuture<Lease> waiting = peer().lock(resource).acquireAsync(LockMode.EX);
    assertThat(waiting).isNotDone();
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.mode()).isEqualTo(LockMode.EX);
    assertThat(granted.token()).isGreaterThan(holder.token());
    granted.release();
  }

  @Test
  void asyncAcquireOfAFreeLockCompletes() throws Exception {
    assumeModes(LockMode.PW);
    Lease lease =
        manager()
            .lock(freshResource())
            .acquireAsync(LockMode.PW)
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(lease.state()).isEqualTo(LeaseState.GRANTED);
    lease.release();
  }

  @Test
  void asyncAcquireTimesOutPerOptions() throws Exception {
    String resource = freshResource();
    try (Lease holder = grant(manager(), resource, LockMode.EX)) {
      LockOptions options = LockOptions.builder().acquireTimeout(REFUSAL_WINDOW).build();
      CompletableFuture<Lease> waiting = peer().lock(resource, options).acquireAsync(LockMode.PR);
      assertThatThrownBy(() -> waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(LockTimeoutException.class);
      assertThat(holder.state()).isEqualTo(LeaseState.GRANTED);
    }
  }

  @Test
  void cancellingAnAsyncAcquireWithdrawsTheRequest() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder holderCallbacks = new BlockingRecorder();
    Lease holder = manager().lock(resource, holderCallbacks.options()).acquire(LockMode.EX);
    CompletableFuture<Lease> waiting = contender.lock(resource).acquireAsync(LockMode.EX);
    holderCallbacks.awaitCount(1);
    assertThat(waiting.cancel(false)).isTrue();
    holder.release();
    grant(manager(), resource, LockMode.EX).release();
  }

  @Test
  void releaseIsIdempotentAndEndsTheLease() throws Exception {
    String resource = freshResource();
    Lease lease = grant(manager(), resource, LockMode.EX);
    lease.release();
    lease.release();
    lease.close();
    assertThat(lease.state()).isEqualTo(LeaseState.RELEASED);
    assertThatThrownBy(lease::checkValid)
        .isInstanceOf(LeaseLostException.class)
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.LEASE_RELEASED);
    assertThatThrownBy(() -> lease.convert(LockMode.PR)).isInstanceOf(LeaseLostException.class);
    grant(peer(), resource, LockMode.EX).release();
  }

  @Test
  void listenersSeeEachTransitionOnceAndInOrder() throws Exception {
    String resource = freshResource();
    Lease lease = grant(manager(), resource, LockMode.EX);
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    lease.addListener(events::add);
    lease.release();
    lease.release();
    eventually().until(() -> !events.isEmpty());
    grant(peer(), resource, LockMode.EX).release();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).from()).isEqualTo(LeaseState.GRANTED);
    assertThat(events.get(0).to()).isEqualTo(LeaseState.RELEASED);
    assertThat(events.get(0).lease()).isSameAs(lease);
  }

  @Test
  void removedListenerHearsNothingMore() throws Exception {
    Lease lease = grant(manager(), freshResource(), LockMode.EX);
    List<LeaseEvent> removed = new CopyOnWriteArrayList<>();
    List<LeaseEvent> kept = new CopyOnWriteArrayList<>();
    dev.quorate.lock.LeaseListener removedListener = removed::add;
    lease.addListener(removedListener);
    lease.addListener(kept::add);
    lease.removeListener(removedListener);
    lease.release();
    eventually().until(() -> !kept.isEmpty());
    assertThat(kept).hasSize(1);
    assertThat(removed).isEmpty();
  }

  @Test
  void closingAManagerFailsItsWaitersAndLosesItsLeases() throws Exception {
    String resource = freshResource();
    String other = freshResource();
    LockManager closing = extraManager();
    Lease held = grant(closing, resource, LockMode.EX);
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    held.addListener(events::add);
    Lease blocker = grant(closing, other, LockMode.EX);
    CompletableFuture<Lease> waiting = closing.lock(other).acquireAsync(LockMode.EX);
    closing.close();
    closing.close();
    assertThatThrownBy(() -> waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(QuorateException.class)
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.CLOSED);
    assertThat(held.state()).isEqualTo(LeaseState.LOST);
    assertThatThrownBy(held::checkValid)
        .isInstanceOf(LeaseLostException.class)
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.LEASE_LOST);
    eventually().until(() -> !events.isEmpty());
    assertThat(events).extracting(LeaseEvent::to).containsExactly(LeaseState.LOST);
    assertThatThrownBy(() -> closing.lock(resource))
        .isInstanceOf(QuorateException.class)
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.CLOSED);
    assertThat(blocker.state()).isEqualTo(LeaseState.LOST);
    grant(manager(), resource, LockMode.EX).release();
    grant(manager(), other, LockMode.EX).release();
  }

  @Test
  void badArgumentsAreRejectedWithAClearMessage() throws Exception {
    LockManager manager = manager();
    assertThatThrownBy(() -> manager.lock("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> manager.lock("x".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("257");
    assertThatThrownBy(() -> manager.lock("bad\nname"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control");
    assertThatThrownBy(() -> manager.lock(null)).isInstanceOf(NullPointerException.class);
    String resource = freshResource();
    assertThatThrownBy(() -> manager.lock(resource).acquire(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> manager.lock(resource).tryAcquire(LockMode.EX, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-0.001");
    grant(manager, "x".repeat(256), LockMode.EX).release();
  }

  @Test
  void unsupportedModesAreRefusedWithAClearError() throws Exception {
    String resource = freshResource();
    // A bounded wait, so that a manager that queues the request fails here instead of hanging.
    LockOptions bounded = LockOptions.builder().acquireTimeout(REFUSAL_WINDOW).build();
    try (Lease held = grant(manager(), resource, LockMode.EX)) {
      for (LockMode mode : EnumSet.complementOf(EnumSet.copyOf(supportedModes()))) {
        Lock lock = manager().lock(resource, bounded);
        assertThatThrownBy(() -> lock.acquire(mode))
            .isInstanceOf(QuorateException.class)
            .isNotInstanceOf(LockTimeoutException.class)
            .hasMessageContaining(mode.name());
        assertThatThrownBy(() -> lock.tryAcquire(mode, Duration.ZERO))
            .isInstanceOf(QuorateException.class)
            .hasMessageContaining(mode.name());
        assertThatThrownBy(
                () -> lock.acquireAsync(mode).get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
            .satisfiesAnyOf(
                e -> assertThat(e).isInstanceOf(QuorateException.class),
                e -> assertThat(e).cause().isInstanceOf(QuorateException.class))
            .hasMessageContaining(mode.name())
            .hasMessageNotContaining("not granted within");
        assertThatThrownBy(() -> held.convert(mode))
            .isInstanceOf(QuorateException.class)
            .hasMessageContaining(mode.name());
        assertThat(held.mode()).isEqualTo(LockMode.EX);
      }
    }
  }

  @Test
  void mechanismIsDescribed() throws Exception {
    Mechanism mechanism = manager().mechanism();
    assertThat(mechanism.kind()).isNotNull();
    assertThat(mechanism.toleratedFailures()).isNotNegative();
    assertThat(mechanism.detail()).isNotBlank();
  }

  @Test
  void aLongChainOfWaitersThatReleaseOnGrantDrainsCompletely() throws Exception {
    String resource = freshResource();
    Lease holder = grant(manager(), resource, LockMode.EX);
    List<CompletableFuture<Void>> chain = new java.util.ArrayList<>();
    for (int i = 0; i < chainLength(); i++) {
      LockManager member = i % 2 == 0 ? manager() : peer();
      chain.add(member.lock(resource).acquireAsync(LockMode.EX).thenAccept(Lease::release));
    }
    holder.release();
    CompletableFuture.allOf(chain.toArray(CompletableFuture[]::new))
        .get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS);
    grant(manager(), resource, LockMode.EX).release();
  }

  /**
   * How many waiters {@link #aLongChainOfWaitersThatReleaseOnGrantDrainsCompletely} queues; a
   * networked manager may lower it to keep the test short.
   *
   * @return the chain length
   */
  protected int chainLength() {
    return 2_000;
  }

  @Test
  void hugeTimeoutsMeanWaitingWithoutBound() throws Exception {
    String resource = freshResource();
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    LockOptions options = LockOptions.builder().acquireTimeout(forever).build();
    Lease lease = manager().lock(resource, options).acquire(LockMode.EX);
    assertThat(peer().lock(resource).tryAcquire(LockMode.EX, REFUSAL_WINDOW)).isEmpty();
    lease.release();
    Optional<Lease> next = peer().lock(resource).tryAcquire(LockMode.EX, forever);
    assertThat(next).isPresent();
    next.get().release();
  }

  @Test
  void listenerAddedAfterATransitionDoesNotHearIt() throws Exception {
    Lease lease = grant(manager(), freshResource(), LockMode.EX);
    List<LeaseEvent> early = new CopyOnWriteArrayList<>();
    lease.addListener(early::add);
    lease.release();
    List<LeaseEvent> late = new CopyOnWriteArrayList<>();
    lease.addListener(late::add);
    eventually().until(() -> !early.isEmpty());
    org.awaitility.Awaitility.await().during(REFUSAL_WINDOW).atMost(PATIENCE).until(late::isEmpty);
  }

  @Test
  void closingFailsAPendingConversion() throws Exception {
    String resource = freshResource();
    LockManager closing = extraManager();
    Lease converting = grant(closing, resource, LockMode.PR);
    Lease other = grant(closing, resource, LockMode.PR);
    CompletableFuture<Lease> conversion = converting.convertAsync(LockMode.EX);
    closing.close();
    assertThatThrownBy(() -> conversion.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(QuorateException.class);
    assertThat(other.state()).isEqualTo(LeaseState.LOST);
  }

  /**
   * A lease released by its blocking callback the moment it is granted (someone already waits
   * behind it): a listener given in the options hears that, one added after the grant might not.
   */
  @Test
  void listenerGivenInTheOptionsHearsEveryTransitionFromTheGrantOn() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    List<LeaseEvent> heard = new CopyOnWriteArrayList<>();
    LockOptions options =
        LockOptions.builder()
            .listener(heard::add)
            .onBlocking((lease, wanted) -> lease.release())
            .build();
    BlockingRecorder holderCallbacks = new BlockingRecorder();
    Lease holder = contender.lock(resource, holderCallbacks.options()).acquire(LockMode.EX);
    CompletableFuture<Lease> giving = manager().lock(resource, options).acquireAsync(LockMode.EX);
    holderCallbacks.awaitCount(1);
    CompletableFuture<Lease> behind =
        anotherPeerFor(CrossMember.BLOCKING_CALLBACKS).lock(resource).acquireAsync(LockMode.EX);
    holderCallbacks.awaitCount(2);
    holder.release();
    Lease next = behind.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    Lease given = giving.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    eventually().until(() -> !heard.isEmpty());
    assertThat(heard).hasSize(1);
    assertThat(heard.get(0).lease()).isSameAs(given);
    assertThat(heard.get(0).from()).isEqualTo(LeaseState.GRANTED);
    assertThat(heard.get(0).to()).isEqualTo(LeaseState.RELEASED);
    assertThat(given.state()).isEqualTo(LeaseState.RELEASED);
    next.release();
  }

  @Test
  void awaitChangeFromReturnsTheNextStateOrTheSameOneWhenTheTimeoutPasses() throws Exception {
    String resource = freshResource();
    Lease lease = grant(manager(), resource, LockMode.EX);
    assertThat(lease.awaitChangeFrom(LeaseState.GRANTED, Duration.ZERO))
        .isEqualTo(LeaseState.GRANTED);
    assertThat(lease.awaitChangeFrom(LeaseState.SUSPECT, PATIENCE)).isEqualTo(LeaseState.GRANTED);
    CompletableFuture<LeaseState> next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return lease.awaitChangeFrom(LeaseState.GRANTED, PATIENCE);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    lease.release();
    assertThat(next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(LeaseState.RELEASED);
    assertThatThrownBy(() -> lease.awaitChangeFrom(LeaseState.GRANTED, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
  }
}
