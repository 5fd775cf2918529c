package dev.quorate.zk;

import static dev.quorate.zk.FaultFixture.SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A distributed lock manager loses the member whose peer leads the ensemble while a lock is held
 * and waited on. The same invariants as {@link LockFaultIT}: no stale token accepted, no
 * overlapping EX grants beyond a reported loss, every loss reported, and the lock acquirable within
 * session timeout + 5 s once the member rejoined.
 */
@Timeout(120)
class DlmFaultIT {
  @Test
  void stoppingTheLeadingMembersPeerKeepsTheLockSafe() throws Exception {
    try (DlmEnsemble ensemble =
        new DlmEnsemble(Files.createTempDirectory(Path.of("target"), "dlm-fault"))) {
      List<ZkLockManager> managers = new ArrayList<>();
      for (int member = 0; member < 3; member++) {
        managers.add(ensemble.manager(member, SESSION));
      }
      try {
        // The managers connected, so the ensemble has elected its leader by now.
        EmbeddedPeer leader =
            ensemble.peers.stream()
                .filter(peer -> FaultFixture.isLeader(peer.address().clientPort()))
                .findFirst()
                .orElseThrow();
        GuardedResource guarded = new GuardedResource();
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        Lease lease =
            FaultFixture.holdWhileOthersWait(
                managers.get(0), "dlm-fault", managers.subList(1, 3), guarded, waiters);

        leader.stop();
        await()
            .atMost(SESSION.plusSeconds(5))
            .until(() -> lease.state() == LeaseState.GRANTED || lease.state() == LeaseState.LOST);
        if (lease.state() == LeaseState.GRANTED) {
          guarded.write(lease);
          guarded.release(lease);
        }
        FaultFixture.awaitAll(waiters, SESSION.plusSeconds(20));
        leader.start(Duration.ofSeconds(30));

        try (ZkLockManager rejoined = ensemble.manager(ensemble.peers.indexOf(leader), SESSION)) {
          Optional<Lease> again =
              rejoined.lock("dlm-fault").tryAcquire(LockMode.EX, SESSION.plusSeconds(5));
          assertThat(again).isPresent();
          guarded.granted(again.get());
          assertThat(guarded.write(again.get())).isTrue();
          guarded.release(again.get());
        }
        guarded.assertSafe();
      } finally {
        managers.forEach(ZkLockManager::close);
      }
    }
  }
}
