package dev.quorate.qdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DiskTimingTest {
  private static DiskTiming t(long interval, int tko, long io, long deadline, long msgwait) {
    return new DiskTiming(
        Duration.ofMillis(interval),
        tko,
        2,
        Duration.ofMillis(io),
        Duration.ofMillis(deadline),
        Duration.ofMillis(msgwait));
  }

  @Test
  void defaultsAreSafeAndDetectInFiveSeconds() {
    assertThat(DiskTiming.defaults().check().detectionTime()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void unsafeCombinationsAreRefusedWithTheirNumbers() {
    assertThatThrownBy(() -> t(1000, 5, 800, 4500, 9000).check())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "renewal_deadline 4500 ms + io_timeout 800 ms + interval 1000 ms"
                + " = 6300 ms exceeds tko x interval = 5000 ms");
    assertThatThrownBy(() -> t(1000, 5, 1000, 2000, 9000).check())
        .hasMessageContaining("io_timeout 1000 ms must be positive and below interval 1000 ms");
    assertThatThrownBy(() -> t(1000, 5, 500, 1500, 9000).check())
        .hasMessageContaining("below 2 x interval = 2000 ms");
    assertThatThrownBy(() -> t(1000, 5, 500, 3000, 4000).check())
        .hasMessageContaining(
            "msgwait 4000 ms is below renewal_deadline + io_timeout + interval" + " = 4500 ms");
    assertThatThrownBy(() -> t(1000, 2, 500, 3000, 9000).check())
        .hasMessageContaining("tko 2 must be at least 3");
    assertThatThrownBy(() -> t(5, 5, 1, 20, 900).check()).hasMessageContaining("below the minimum");
  }
}
