package dev.quorate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.DiskTiming;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class QuorumDiskScaleTest {

  @Test
  void theIntervalGrowsOnlyWhereTheDisksHeartbeatReadsExceedTheirBudget() {
    Duration second = Duration.ofSeconds(1);
    assertThat(QuorumDiskScale.interval(3, second)).isEqualTo(second);
    assertThat(QuorumDiskScale.interval(64, second)).isEqualTo(second); // 16 MiB per interval
    assertThat(QuorumDiskScale.interval(255, second)).isEqualTo(Duration.ofSeconds(2)); // 255 MiB
    assertThat(QuorumDiskScale.interval(255, Duration.ofMillis(500)))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void theTimingIsTheDefaultsScaledToTheInterval() {
    assertThat(QuorumDiskScale.timing(Duration.ofSeconds(1))).isEqualTo(DiskTiming.defaults());
    DiskTiming two = QuorumDiskScale.timing(Duration.ofSeconds(2));
    assertThat(two.renewalDeadline()).isEqualTo(Duration.ofSeconds(6));
    assertThat(two.ioTimeout()).isEqualTo(Duration.ofMillis(1600));
    assertThat(two.detectionTime()).isEqualTo(Duration.ofSeconds(10));
  }
}
