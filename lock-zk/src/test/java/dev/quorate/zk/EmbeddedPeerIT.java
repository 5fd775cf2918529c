package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A distributed lock manager keeps locking while one member's peer is stopped, and it rejoins. */
@Timeout(90)
class EmbeddedPeerIT {
  @Test
  void lockingGoesOnWithoutOneMemberAndTheMemberRejoins() throws Exception {
    try (DlmEnsemble ensemble =
        new DlmEnsemble(Files.createTempDirectory(Path.of("target"), "dlm-rejoin"))) {
      EmbeddedPeer third = ensemble.peers.get(2);
      try (ZkLockManager first = ensemble.manager(0, Duration.ofSeconds(4));
          ZkLockManager second = ensemble.manager(1, Duration.ofSeconds(4))) {
        Lease before = first.lock("shared").acquire(LockMode.EX);
        before.setValueBlock(ValueBlock.ofLong(1));

        third.stop();
        assertThat(third.isRunning()).isFalse();
        before.release();
        Optional<Lease> during =
            second.lock("shared").tryAcquire(LockMode.EX, Duration.ofSeconds(20));
        assertThat(during).isPresent();
        assertThat(during.get().token()).isGreaterThan(before.token());
        during.get().release();

        third.start(Duration.ofSeconds(30));
        // Written while the member was away; readable through the member once it caught up.
        try (CuratorFramework local =
            CuratorFrameworkFactory.newClient(
                third.address().clientAddress(), new RetryOneTime(200))) {
          local.start();
          await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(
                  () -> {
                    local.sync().forPath("/quorate/locks");
                    return local.checkExists().forPath("/quorate/locks/shared") != null;
                  });
          byte[] value = local.getData().forPath("/quorate/locks/shared");
          assertThat(value).isEqualTo(ValueBlock.ofLong(1).toBytes());
        }
      }
    }
  }
}
