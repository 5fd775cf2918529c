package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.tck.LockManagerTck;
import java.io.IOException;
import java.time.Duration;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCK on an ensemble of three servers: the redundant lock manager. */
@Timeout(120)
class RlmTckIT extends LockManagerTck {
  private static TestingCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new TestingCluster(3);
    cluster.start();
  }

  @AfterAll
  static void stopCluster() throws IOException {
    cluster.close();
  }

  @Override
  protected LockManager newManager() throws Exception {
    return configure(
            ZkLockManager.builder()
                .connectString(cluster.getConnectString())
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
  void reportsARedundantLockManagerThatSurvivesOneServer() throws Exception {
    assertThat(manager().mechanism().kind()).isEqualTo(Mechanism.Kind.RLM);
    assertThat(manager().mechanism().toleratedFailures()).isEqualTo(1);
  }
}
