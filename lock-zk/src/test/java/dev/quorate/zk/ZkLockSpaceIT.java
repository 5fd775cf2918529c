package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Leadership;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ZkLockSpace} lists what a lock manager's users locked and campaigned for, by their own
 * names (encoding undone, the lock space's own nodes left out), and creates nothing.
 */
@Timeout(60)
class ZkLockSpaceIT {
  @Test
  void listsResourcesAndElectionsByTheirNames() throws Exception {
    try (TestingServer server = new TestingServer();
        CuratorFramework reader = QuorumMember.client(server.getConnectString())) {
      reader.start();
      reader.blockUntilConnected();
      assertThat(ZkLockSpace.resources(reader, "/quorate/locks")).isEmpty();
      assertThat(ZkLockSpace.elections(reader, "/quorate/locks")).isEmpty();
      assertThat(reader.getChildren().forPath("/")).containsExactly("zookeeper");

      try (ZkLockManager manager =
          ZkLockManager.builder().connectString(server.getConnectString()).build()) {
        Lease volume = manager.lock("volume/7").acquire(LockMode.EX);
        Lease odd = manager.lock("día 2.%41 x").acquire(LockMode.PR);
        Leadership leading = manager.election("sched/uler").campaign("node-a");
        manager.revoke("volume/7", volume.token(), "test", "recorded under .revocations");

        assertThat(ZkLockSpace.resources(reader, "/quorate/locks"))
            .containsExactly("día 2.%41 x", "volume/7");
        assertThat(ZkLockSpace.elections(reader, "/quorate/locks")).containsExactly("sched/uler");
        assertThat(ZkLockSpace.resources(reader, "/elsewhere")).isEmpty();
        odd.release();
        leading.resign();
      }
    }
  }
}
