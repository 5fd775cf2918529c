package dev.quorate.zk;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.LockManagerProperties;
import java.time.Duration;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.curator.test.TestingServer;

/**
 * The TCK's property (random acquire/convert/release interleavings on two members) on one server,
 * with cohorting and cached EX grants on. jqwik has no class timeout; every step of the property is
 * bounded (60 s per thread script).
 */
class SlmCohortPropertiesIT extends LockManagerProperties {
  private static TestingServer server;

  @BeforeContainer
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterContainer
  static void stopServer() throws java.io.IOException {
    server.close();
  }

  @Override
  protected LockManager newManager() throws Exception {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(5))
        .cohorting(true)
        .build();
  }

  @Override
  protected LockManager newPeer(LockManager first) throws Exception {
    return newManager();
  }
}
