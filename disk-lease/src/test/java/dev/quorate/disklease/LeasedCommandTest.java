package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LeasedCommandTest {
  private static final LeaseTiming ONE_SECOND = LeaseTiming.forIoTimeout(Duration.ofSeconds(1));

  private static LeasedCommand.Builder guest() {
    return LeasedCommand.builder().resource("vm/web-1").command(List.of("qemu-system-x86_64"));
  }

  @Test
  void theKillGraceDefaultsToTheIoTimeout() {
    assertThat(guest().timing(ONE_SECOND).build().killGrace()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aGraceThatCouldOutliveTheLeaseIsRefusedNamingTheNumbers() {
    // host_expiry 7 s - renewal_deadline 4 s - io_timeout 1 s leaves 2 s for the grace.
    assertThat(guest().timing(ONE_SECOND).killGrace(Duration.ofSeconds(2)).build().killGrace())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> guest().timing(ONE_SECOND).killGrace(Duration.ofMillis(2001)).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("kill grace 2001 ms exceeds host_expiry 7000 ms")
        .hasMessageContaining("= 2000 ms");
  }

  @Test
  void missingPartsAreNamed() {
    assertThatThrownBy(() -> LeasedCommand.builder().command(List.of("true")).build())
        .hasMessageContaining("no resource");
    assertThatThrownBy(() -> LeasedCommand.builder().resource("vm/a").build())
        .hasMessageContaining("vm/a: no command");
    assertThatThrownBy(() -> guest().build())
        .hasMessageContaining("give the area's timing or a kill grace");
    assertThatThrownBy(() -> guest().killGrace(Duration.ZERO).build())
        .hasMessageContaining("kill grace PT0S must be positive");
  }
}
