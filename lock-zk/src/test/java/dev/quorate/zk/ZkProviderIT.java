package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.RecoveryGate;
import java.util.Properties;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ZkProviderIT {
  @Test
  void configurationAloneSwitchesToZooKeeper() throws Exception {
    try (TestingServer server = new TestingServer()) {
      Properties config = new Properties();
      config.setProperty("quorate.lock.provider", "zookeeper");
      config.setProperty("quorate.lock.zookeeper.connect", server.getConnectString());
      config.setProperty("quorate.lock.zookeeper.session-timeout", "5s");
      try (LockManager manager = LockManager.open(config)) {
        assertThat(manager.mechanism().kind()).isEqualTo(Mechanism.Kind.SLM);
        try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
          assertThat(lease.token().major()).isPositive();
        }
      }
    }
  }

  @Test
  void configurationTurnsCohortingOn() throws Exception {
    try (TestingServer server = new TestingServer()) {
      Properties config = new Properties();
      config.setProperty("quorate.lock.provider", "zookeeper");
      config.setProperty("quorate.lock.zookeeper.connect", server.getConnectString());
      config.setProperty("quorate.lock.zookeeper.cohorting", "true");
      config.setProperty("quorate.lock.zookeeper.local-handoff-bound", "4");
      try (LockManager manager = LockManager.open(config)) {
        long first;
        try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
          first = lease.token().major();
        }
        try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
          // The cached grant: the same lock node, a later local sequence.
          assertThat(lease.token().major()).isEqualTo(first);
          assertThat(lease.token().minor()).isPositive();
        }
      }
    }
    Properties bad = new Properties();
    bad.setProperty("quorate.lock.provider", "zookeeper");
    bad.setProperty("quorate.lock.zookeeper.connect", "localhost:1");
    bad.setProperty("quorate.lock.zookeeper.cohorting", "yes");
    assertThatThrownBy(() -> LockManager.open(bad))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cohorting=yes");
  }

  @Test
  void configurationNamesTheMemberForGatedLocks() throws Exception {
    RecoveryGate never = (owner, heldSince, lostAtNanos) -> false;
    LockOptions gated = LockOptions.builder().recoveryGate(never).build();
    try (TestingServer server = new TestingServer()) {
      Properties config = new Properties();
      config.setProperty("quorate.lock.provider", "zookeeper");
      config.setProperty("quorate.lock.zookeeper.connect", server.getConnectString());
      try (LockManager manager = LockManager.open(config)) {
        assertThatThrownBy(() -> manager.lock("volume/7", gated))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("member(name)");
      }
      config.setProperty("quorate.lock.zookeeper.member", "node-a");
      try (LockManager manager = LockManager.open(config)) {
        // Nobody was lost: a gate that never opens is never asked.
        try (Lease lease = manager.lock("volume/7", gated).acquire(LockMode.EX)) {
          assertThat(lease.token().major()).isPositive();
        }
      }
    }
  }

  @Test
  void badSettingsAreNamed() {
    Properties config = new Properties();
    config.setProperty("quorate.lock.provider", "zookeeper");
    assertThatThrownBy(() -> LockManager.open(config))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("quorate.lock.zookeeper.connect");
    config.setProperty("quorate.lock.zookeeper.connect", "localhost:1");
    config.setProperty("quorate.lock.zookeeper.session-timeout", "ten seconds");
    assertThatThrownBy(() -> LockManager.open(config))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("session-timeout=ten seconds");
  }
}
