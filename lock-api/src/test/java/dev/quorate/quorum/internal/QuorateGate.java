package dev.quorate.quorum.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.util.Set;

/** The quorum service of a one-member cluster, quorate, gating the managers of the TCK tests. */
final class QuorateGate implements AutoCloseable {
  private final QuorumService quorum =
      QuorumService.builder(
              QuorumPolicy.builder(Topology.builder().member(1, 1, "h1").build()).build(),
              MemberId.of(1))
          .build();

  /** Returns {@code inner} behind the gate, the member being quorate. */
  LockManager gate(LockManager inner) {
    quorum.update(Set.of(MemberId.of(1)));
    return QuorumGate.requireQuorum(inner, quorum);
  }

  @Override
  public void close() {
    quorum.close();
  }
}
