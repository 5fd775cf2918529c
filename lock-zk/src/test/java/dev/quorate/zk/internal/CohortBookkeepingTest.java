package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bookkeeping a {@link Cohort} keeps in helpers: its waiters and its fairness bound. */
@Timeout(10)
class CohortBookkeepingTest {
  @Test
  void uncontendedGrantsAreNotBoundedNorCounted() {
    CohortHandoffs handoffs = new CohortHandoffs(2);
    handoffs.granted();
    for (int i = 0; i < 100; i++) {
      assertThat(handoffs.mayHandOff()).isTrue();
      assertThat(handoffs.handedOff()).isZero();
    }
    assertThat(handoffs.mustYield(true)).isFalse();
  }

  @Test
  void onceAnotherMemberWaitsAtMostTheBoundMoreLocalGrantsAreMade() {
    CohortHandoffs handoffs = new CohortHandoffs(2);
    handoffs.granted();
    handoffs.contended();
    assertThat(handoffs.mustYield(false)).isFalse();
    assertThat(handoffs.mustYield(true)).as("nobody here waits: yield now").isTrue();
    assertThat(handoffs.handedOff()).isEqualTo(1);
    assertThat(handoffs.mayHandOff()).isTrue();
    assertThat(handoffs.handedOff()).isEqualTo(2);
    assertThat(handoffs.mayHandOff()).isFalse();
    assertThat(handoffs.mustYield(false)).isTrue();
  }

  @Test
  void aNewGrantStartsUncontendedWithTheCountAgain() {
    CohortHandoffs handoffs = new CohortHandoffs(1);
    handoffs.contended();
    handoffs.handedOff();
    assertThat(handoffs.mayHandOff()).isFalse();
    handoffs.granted();
    assertThat(handoffs.isContended()).isFalse();
    assertThat(handoffs.mayHandOff()).isTrue();
  }

  @Test
  void waitersComeOutInOrderSkippingThoseWhoGaveUp() {
    CohortWaiters waiters = new CohortWaiters();
    CompletableFuture<Lease> first = new CompletableFuture<>();
    CompletableFuture<Lease> gaveUp = new CompletableFuture<>();
    CompletableFuture<Lease> withdrawn = new CompletableFuture<>();
    CompletableFuture<Lease> last = new CompletableFuture<>();
    waiters.add(first, List.of());
    waiters.add(gaveUp, List.of());
    waiters.add(withdrawn, List.of());
    waiters.add(last, List.of());
    gaveUp.cancel(false);
    waiters.withdraw(withdrawn);

    assertThat(waiters.next().future()).isSameAs(first);
    assertThat(waiters.next().future()).isSameAs(last);
    assertThat(waiters.next()).isNull();
    assertThat(waiters.isEmpty()).isTrue();
  }

  @Test
  void takeAllEmptiesTheQueueAndFailFailsEachWaiter() {
    CohortWaiters waiters = new CohortWaiters();
    CompletableFuture<Lease> a = new CompletableFuture<>();
    CompletableFuture<Lease> b = new CompletableFuture<>();
    waiters.add(a, List.of());
    waiters.add(b, List.of());

    List<CohortWaiters.Waiter> all = waiters.takeAll();
    CohortWaiters.fail(all, new IllegalStateException("closed"));

    assertThat(waiters.isEmpty()).isTrue();
    assertThat(a).isCompletedExceptionally();
    assertThat(b).isCompletedExceptionally();
  }
}
