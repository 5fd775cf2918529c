package dev.quorate.quorum.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.SemaphoreTck;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/** A quorum-gated manager in a quorate partition keeps every promise of the semaphore TCK. */
class GatedSemaphoreTckTest extends SemaphoreTck {
  private final QuorumService quorum =
      QuorumService.builder(
              QuorumPolicy.builder(Topology.builder().member(1, 1, "h1").build()).build(),
              MemberId.of(1))
          .build();

  @Override
  protected LockManager newManager() {
    quorum.update(Set.of(MemberId.of(1)));
    return QuorumGate.requireQuorum(LockManager.inProcess(), quorum);
  }

  @AfterEach
  void closeQuorum() {
    quorum.close();
  }
}
