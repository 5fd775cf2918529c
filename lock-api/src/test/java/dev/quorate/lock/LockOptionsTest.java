package dev.quorate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LockOptionsTest {
  @Test
  void defaultsWaitWithoutBoundAndHaveNoCallback() {
    assertThat(LockOptions.defaults().acquireTimeout()).isEmpty();
    assertThat(LockOptions.defaults().blockingCallback()).isEmpty();
    assertThat(LockOptions.defaults().recoveryGate()).isEmpty();
  }

  @Test
  void keepsTheRecoveryGate() {
    RecoveryGate gate = (owner, heldSince, lostAtNanos) -> false;
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    assertThat(options.recoveryGate()).containsSame(gate);
    assertThat(options.toString()).contains("recoveryGate=true");
  }

  @Test
  void builderRejectsNegativeTimeoutNamingIt() {
    assertThatThrownBy(() -> LockOptions.builder().acquireTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acquireTimeout")
        .hasMessageContaining("PT-1S");
  }

  @Test
  void builtOptionsDoNotChangeWithTheBuilder() {
    LockOptions.Builder builder = LockOptions.builder().acquireTimeout(Duration.ofSeconds(1));
    LockOptions first = builder.build();
    builder.acquireTimeout(Duration.ofSeconds(2));
    assertThat(first.acquireTimeout()).contains(Duration.ofSeconds(1));
  }
}
