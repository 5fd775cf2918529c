package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fairness bound of cohorting: eight threads of one member hammer one lock, handing it to each
 * other in memory, and another member still gets it, after at most the configured number of local
 * grants made once the member learned that it waits.
 */
@Timeout(60)
class CohortFairnessIT {
  private static final int BOUND = 4;
  private TestingServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private ZkLockManager manager(boolean cohorting) throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(5))
        .cohorting(cohorting)
        .localHandoffBound(BOUND)
        .build();
  }

  @Test
  void remoteMemberGetsTheLockWithinTheBoundWhileEightLocalThreadsHammer() throws Exception {
    try (ZkLockManager hammering = manager(true);
        ZkLockManager remote = manager(false)) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger inside = new AtomicInteger();
      LongAdder overlaps = new LongAdder();
      LongAdder localGrants = new LongAdder();
      AtomicReference<FencingToken> last = new AtomicReference<>(new FencingToken(0, 0));
      LongAdder tokensOutOfOrder = new LongAdder();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Thread thread =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try (Lease lease = hammering.lock("hot").acquire(LockMode.EX)) {
                      holding(lease, inside, overlaps, last, tokensOutOfOrder);
                      localGrants.increment();
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
        threads.add(thread);
        thread.start();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> localGrants.sum() >= 200);

      // Without the bound, eight local threads would keep the lock in this member forever.
      try (Lease lease = remote.lock("hot").acquire(LockMode.EX)) {
        holding(lease, inside, overlaps, last, tokensOutOfOrder);
      }

      long before = localGrants.sum();
      await().atMost(Duration.ofSeconds(30)).until(() -> localGrants.sum() > before + 50);
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(((ZkLockService) hammering).mostHandoffsWhileContended()).isBetween(0, BOUND);
      assertThat(overlaps.sum()).as("holders at once").isZero();
      assertThat(tokensOutOfOrder.sum()).as("tokens not rising with grant order").isZero();
    }
  }

  private static void holding(
      Lease lease,
      AtomicInteger inside,
      LongAdder overlaps,
      AtomicReference<FencingToken> last,
      LongAdder tokensOutOfOrder) {
    if (inside.incrementAndGet() != 1) {
      overlaps.increment();
    }
    FencingToken previous = last.getAndSet(lease.token());
    if (!lease.token().isNewerThan(previous)) {
      tokensOutOfOrder.increment();
    }
    inside.decrementAndGet();
  }
}
