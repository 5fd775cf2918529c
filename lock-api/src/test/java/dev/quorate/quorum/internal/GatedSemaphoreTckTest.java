package dev.quorate.quorum.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.SemaphoreTck;
import org.junit.jupiter.api.AfterEach;

/** A quorum-gated manager in a quorate partition keeps every promise of the semaphore TCK. */
class GatedSemaphoreTckTest extends SemaphoreTck {
  private final QuorateGate quorum = new QuorateGate();

  @Override
  protected LockManager newManager() {
    return quorum.gate(LockManager.inProcess());
  }

  @AfterEach
  void closeQuorum() {
    quorum.close();
  }
}
