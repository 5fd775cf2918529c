package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.tck.LockManagerTck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCK on three members that each embed a ZooKeeper peer: the distributed lock manager. */
@Timeout(120)
class DlmTckIT extends LockManagerTck {
  private static DlmEnsemble ensemble;
  private static final AtomicInteger nextMember = new AtomicInteger();

  @BeforeAll
  static void startMembers() throws Exception {
    ensemble = new DlmEnsemble(Files.createTempDirectory(Path.of("target"), "dlm-tck"));
  }

  @AfterAll
  static void stopMembers() {
    ensemble.close();
  }

  @Override
  protected LockManager newManager() throws Exception {
    return ensemble.manager(nextMember.getAndIncrement(), Duration.ofSeconds(5));
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
  void reportsADistributedLockManagerThatSurvivesOneMember() throws Exception {
    assertThat(manager().mechanism().kind()).isEqualTo(Mechanism.Kind.DLM);
    assertThat(manager().mechanism().toleratedFailures()).isEqualTo(1);
  }
}
