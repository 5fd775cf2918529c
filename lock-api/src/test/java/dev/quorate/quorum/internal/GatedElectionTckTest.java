package dev.quorate.quorum.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.ElectionTck;
import org.junit.jupiter.api.AfterEach;

/** A quorum-gated manager in a quorate partition keeps every promise of the election TCK. */
class GatedElectionTckTest extends ElectionTck {
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
