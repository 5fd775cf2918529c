package dev.quorate.lock.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters follow from what the test did: every request, grant, timeout and end counted once. */
@Timeout(30)
class LockMetricsTest {
  private final MockClock clock = new MockClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
  private final LockManager manager = LockMetrics.instrument(LockManager.inProcess(), registry);

  @AfterEach
  void close() {
    manager.close();
  }

  private Timer waits(String mode, String outcome) {
    return registry
        .get("quorate.lock.wait")
        .tags("mechanism", "slm", "mode", mode, "outcome", outcome)
        .timer();
  }

  private double transitions(String from, String to) {
    var counter = registry.find("quorate.lock.transitions").tags("from", from, "to", to).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void grantsTimeoutsAndHoldTimesAreCountedPerModeAndOutcome() throws Exception {
    for (int i = 0; i < 3; i++) {
      Lease lease = manager.lock("r").acquire(LockMode.EX);
      clock.add(Duration.ofMillis(250));
      lease.release();
      // The end is timed when the manager's event thread delivers it: let it, before time moves.
      int released = i + 1;
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> transitions("granted", "released") == released);
    }
    Lease reader = manager.lock("r").acquire(LockMode.PR);
    assertThat(manager.lock("r").tryAcquire(LockMode.EX, Duration.ZERO)).isEmpty();
    LockOptions bounded = LockOptions.builder().acquireTimeout(Duration.ZERO).build();
    assertThatThrownBy(() -> manager.lock("r", bounded).acquire(LockMode.EX))
        .isInstanceOf(LockTimeoutException.class);
    CompletableFuture<Lease> later = manager.lock("r").acquireAsync(LockMode.EX);
    clock.add(Duration.ofSeconds(2));
    reader.release();
    later.get(10, TimeUnit.SECONDS).release();

    assertThat(waits("EX", "granted").count()).isEqualTo(4);
    assertThat(waits("PR", "granted").count()).isEqualTo(1);
    assertThat(waits("EX", "timeout").count()).isEqualTo(2);
    assertThat(waits("EX", "granted").max(TimeUnit.SECONDS)).isEqualTo(2.0);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> transitions("granted", "released") == 5);
    Timer holds = registry.get("quorate.lock.hold").tags("mode", "EX", "end", "released").timer();
    assertThat(holds.count()).isEqualTo(4);
    assertThat(holds.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(750.0);
  }

  @Test
  void aRevokedLeaseCountsAsLostOnceAndTheRevocationIsCounted() throws Exception {
    Lease lease = manager.lock("r").acquire(LockMode.EX);
    manager.revoke("r", lease.token(), "ops", "test");
    assertThat(lease.state()).isEqualTo(LeaseState.LOST);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> transitions("granted", "lost") == 1);
    lease.release();
    assertThat(registry.get("quorate.lock.revocations").counter().count()).isEqualTo(1);
    assertThat(registry.get("quorate.lock.hold").tags("end", "lost").timer().count()).isEqualTo(1);
  }

  @Test
  void theLockShowsTheUsersOptionsNotTheMeasuringListener() {
    LockOptions mine = LockOptions.builder().acquireTimeout(Duration.ofSeconds(1)).build();
    assertThat(manager.lock("r", mine).options()).isSameAs(mine);
  }

  @Test
  void electionsAndSemaphoresStillWorkThroughTheMeasuredManager() throws Exception {
    try (var leadership = manager.election("e").campaign("node-a");
        var permit = manager.semaphore("s", 2).acquire()) {
      assertThat(leadership.isLeading()).isTrue();
      assertThat(permit.state()).isEqualTo(LeaseState.GRANTED);
    }
  }
}
