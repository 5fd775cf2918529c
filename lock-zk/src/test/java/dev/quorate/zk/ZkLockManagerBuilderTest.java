package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Mechanism;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ZkLockManagerBuilderTest {
  @Test
  void oneServerIsASingleLockManager() {
    Mechanism m = ZkLockManagerBuilder.serverMechanism("zk1:2181/app");
    assertThat(m.kind()).isEqualTo(Mechanism.Kind.SLM);
    assertThat(m.toleratedFailures()).isZero();
  }

  @Test
  void ensemblesOfThreeOrFiveAreRedundantAndSayWhatTheySurvive() {
    assertThat(ZkLockManagerBuilder.serverMechanism("a:1,b:1,c:1").toleratedFailures())
        .isEqualTo(1);
    Mechanism five = ZkLockManagerBuilder.serverMechanism("a:1,b:1,c:1,d:1,e:1");
    assertThat(five.kind()).isEqualTo(Mechanism.Kind.RLM);
    assertThat(five.toleratedFailures()).isEqualTo(2);
  }

  @Test
  void otherEnsembleSizesAreRefusedWithTheCount() {
    assertThatThrownBy(() -> ZkLockManagerBuilder.serverMechanism("a:1,b:1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("2 servers")
        .hasMessageContaining("3 or 5");
    assertThatThrownBy(() -> ZkLockManagerBuilder.serverMechanism("a:1,b:1,c:1,d:1"))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void aBlankMemberNameIsRefused() {
    assertThatThrownBy(() -> ZkLockManager.builder().member(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("member must not be blank, got ' '");
  }

  @Test
  void theClientsConnectionTimeoutNeverExceedsTheSessionTimeout() {
    Duration session = Duration.ofSeconds(4);
    assertThat(ZkClients.clientConnectionTimeout(session, Duration.ofSeconds(15)))
        .isEqualTo(session);
    assertThat(ZkClients.clientConnectionTimeout(session, Duration.ofSeconds(3)))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void exactlyOneSourceIsRequired() {
    assertThatThrownBy(() -> ZkLockManager.builder().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("exactly one");
  }

  @Test
  void embeddedPeersNeedThreeOrFiveDistinctMembersIncludingSelf() {
    List<PeerAddress> two =
        List.of(new PeerAddress(1, "a", 1, 2, 3), new PeerAddress(2, "b", 1, 2, 3));
    assertThatThrownBy(
            () -> EmbeddedPeer.builder().self(1).members(two).dataDir(Path.of("x")).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("3 or 5");
    List<PeerAddress> three =
        List.of(
            new PeerAddress(1, "a", 1, 2, 3),
            new PeerAddress(2, "b", 1, 2, 3),
            new PeerAddress(3, "c", 1, 2, 3));
    assertThatThrownBy(
            () -> EmbeddedPeer.builder().self(4).members(three).dataDir(Path.of("x")).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("self id 4");
  }

  @Test
  void securityNeverPrintsPasswords() {
    ZkSecurity security =
        ZkSecurity.builder()
            .digest("quorate", "s3cret")
            .tls(Path.of("k.p12"), "kpass", Path.of("t.p12"), "tpass")
            .build();
    assertThat(security.toString())
        .contains("quorate")
        .doesNotContain("s3cret")
        .doesNotContain("kpass")
        .doesNotContain("tpass");
  }
}
