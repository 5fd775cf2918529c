package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class QuorumGateTest {
  private QuorumService quorum;
  private LockManager manager;

  private void start(NoQuorumPolicy whenLost) {
    QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(3)).build();
    quorum = QuorumService.builder(policy, MemberId.of(1)).noQuorumPolicy(whenLost).build();
    manager = QuorumGate.requireQuorum(LockManager.inProcess(), quorum);
  }

  @AfterEach
  void close() {
    manager.close();
    quorum.close();
  }

  @Test
  void grantsOnlyWhileQuorate() throws Exception {
    start(NoQuorumPolicy.STOP);
    assertNoQuorum(() -> manager.lock("vm/1").acquire(LockMode.EX));
    quorum.update(Clusters.ids(1, 2));
    manager.lock("vm/1").acquire(LockMode.EX).release();
    assertThat(manager.lock("vm/1").acquireAsync(LockMode.PR).get().state())
        .isEqualTo(LeaseState.GRANTED);
  }

  @Test
  void lossOfQuorumUnderStopRevokesHeldLeasesOnceAndFreesTheResource() throws Exception {
    start(NoQuorumPolicy.STOP);
    quorum.update(Clusters.ids(1, 2, 3));
    Lease lease = manager.lock("vm/1").acquire(LockMode.EX);
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    lease.addListener(events::add);
    quorum.update(Clusters.ids(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> lease.state() == LeaseState.LOST);
    assertThatThrownBy(lease::checkValid)
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("quorum lost");
    await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
    lease.release();
    assertThat(events).extracting(LeaseEvent::to).containsExactly(LeaseState.LOST);
    assertNoQuorum(() -> manager.lock("vm/1").tryAcquire(LockMode.EX, Duration.ZERO));
    quorum.update(Clusters.ids(1, 3));
    assertThat(manager.lock("vm/1").tryAcquire(LockMode.EX, Duration.ZERO)).isPresent();
  }

  @Test
  void freezeKeepsHeldLeasesButRefusesNewGrantsAndUpConversions() throws Exception {
    start(NoQuorumPolicy.FREEZE);
    quorum.update(Clusters.ids(1, 2, 3));
    Lease lease = manager.lock("vm/1").acquire(LockMode.PW);
    quorum.update(Clusters.ids(1));
    assertThat(quorum.grantsAllowed()).isFalse();
    assertThat(lease.state()).isEqualTo(LeaseState.GRANTED);
    assertNoQuorum(() -> lease.convert(LockMode.EX));
    lease.convert(LockMode.PR);
    assertThat(lease.mode()).isEqualTo(LockMode.PR);
    assertNoQuorum(() -> manager.lock("vm/2").acquire(LockMode.CR));
    assertThat(manager.lock("vm/2").acquireAsync(LockMode.CR))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(QuorateException.class);
  }

  @Test
  void aLeaseIsLostTheMomentQuorumIsGoneEvenBeforeTheEventArrives() throws Exception {
    List<Runnable> undelivered = new CopyOnWriteArrayList<>();
    QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(3)).build();
    quorum = QuorumService.builder(policy, MemberId.of(1)).notifier(undelivered::add).build();
    manager = QuorumGate.requireQuorum(LockManager.inProcess(), quorum);
    quorum.update(Clusters.ids(1, 2));
    Lease lease = manager.lock("vm/1").acquire(LockMode.EX);
    quorum.update(Clusters.ids(1));
    assertThat(lease.state()).isEqualTo(LeaseState.LOST);
    assertThatThrownBy(lease::checkValid).isInstanceOf(LeaseLostException.class);
  }

  @Test
  void lossOfQuorumWithdrawsAWaitingUpConversion() throws Exception {
    start(NoQuorumPolicy.FREEZE);
    quorum.update(Clusters.ids(1, 2, 3));
    Lease converting = manager.lock("vm/1").acquire(LockMode.PR);
    Lease other = manager.lock("vm/1").acquire(LockMode.PR);
    var conversion = converting.convertAsync(LockMode.EX);
    var waiting = manager.lock("vm/1").acquireAsync(LockMode.CR);
    quorum.update(Clusters.ids(1));
    for (var future : List.of(conversion, waiting)) {
      assertThat(future)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(QuorateException.class)
          .withMessageContaining("not quorate");
    }
    other.release();
    assertThat(converting.mode()).isEqualTo(LockMode.PR);
    assertThat(converting.state()).isEqualTo(LeaseState.GRANTED);
  }

  private static void assertNoQuorum(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("not quorate")
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.NO_QUORUM);
  }
}
