package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code release()} promises while its delete is still in flight: it returns once the delete
 * is sent, so the releasing member's own next request (same session, answered in order) finds the
 * lock free, and a release that writes a value block returns only once the value is written.
 */
@Timeout(120)
class ReleaseInFlightIT {
  private static final int ROUNDS = 30;
  private static TestingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws java.io.IOException {
    server.close();
  }

  private static ZkLockManager manager(boolean cohorting) throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(10))
        .cohorting(cohorting)
        .build();
  }

  @Test
  void theReleasingMembersNextRequestFindsTheLockFree() throws Exception {
    try (ZkLockManager member = manager(false)) {
      for (int round = 0; round < ROUNDS; round++) {
        Lease lease = member.lock("own-next").acquire(LockMode.EX);
        lease.release();
        assertThat(lease.state()).isEqualTo(LeaseState.RELEASED);
        // Queued behind the delete on the same session: the listing already sees the node gone.
        Optional<Lease> next = member.lock("own-next").tryAcquire(LockMode.EX, Duration.ZERO);
        assertThat(next).as("round %d: the releasing member's next try", round).isPresent();
        next.get().release();
      }
    }
  }

  @Test
  void aCohortGivingItsNodeUpFindsTheLockFreeForItsNextRequest() throws Exception {
    // Two members alternate, so the cohort stops caching and deletes its node at each release;
    // while it still caches, the next EX request is served from the kept node.
    try (ZkLockManager member = manager(true);
        ZkLockManager other = manager(true)) {
      for (int round = 0; round < ROUNDS; round++) {
        other.lock("cohort-next").acquire(LockMode.EX).release();
        Lease lease = member.lock("cohort-next").acquire(LockMode.EX);
        lease.release();
        Optional<Lease> next = member.lock("cohort-next").tryAcquire(LockMode.EX, Duration.ZERO);
        assertThat(next).as("round %d: the releasing member's next try", round).isPresent();
        next.get().release();
      }
    }
  }

  @Test
  void aReleaseThatWritesAValueBlockReturnsOnceTheValueIsWritten() throws Exception {
    try (ZkLockManager member = manager(false);
        CuratorFramework observer =
            CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
      observer.start();
      observer.blockUntilConnected(20, TimeUnit.SECONDS);
      for (int round = 0; round < ROUNDS; round++) {
        Lease lease = member.lock("valued").acquire(LockMode.EX);
        String value = "v" + round;
        lease.setValueBlock(ValueBlock.of(value.getBytes(StandardCharsets.UTF_8)));
        lease.release();
        // Another session, on the one server: it sees every transaction answered before it asks.
        String written =
            new String(observer.getData().forPath("/quorate/locks/valued"), StandardCharsets.UTF_8);
        assertThat(written).as("round %d: the value block after release()", round).isEqualTo(value);
      }
    }
  }
}
