package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.tck.LockManagerTck;
import java.io.IOException;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCK on one ZooKeeper server: the single lock manager. */
@Timeout(120)
class SlmTckIT extends LockManagerTck {
  private static TestingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @Override
  protected LockManager newManager() throws Exception {
    return configure(
            ZkLockManager.builder()
                .connectString(server.getConnectString())
                .sessionTimeout(Duration.ofSeconds(5)))
        .build();
  }

  /** Adds options to every manager under test; the cohort variant turns cohorting on. */
  ZkLockManagerBuilder configure(ZkLockManagerBuilder builder) {
    return builder;
  }

  @Override
  protected LockManager newPeer(LockManager first) throws Exception {
    return newManager();
  }

  @Override
  protected int chainLength() {
    // Every grant in the chain is a few quorum round trips; 100 waiters make the point.
    return 100;
  }

  @Test
  void reportsASingleLockManager() throws Exception {
    assertThat(manager().mechanism().kind()).isEqualTo(Mechanism.Kind.SLM);
    assertThat(manager().mechanism().toleratedFailures()).isZero();
  }
}
