package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.metrics.QuorumMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The quorum gauges follow the service's state; every change is counted with its reason. */
@Timeout(10)
class QuorumMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void gaugesFollowTheStateAndChangesAreCountedByReason() {
    try (QuorumService quorum =
        QuorumService.builder(QuorumPolicy.builder(Clusters.ofSize(3)).build(), MemberId.of(1))
            .notifier(Runnable::run)
            .build()) {
      QuorumMetrics.bind(quorum, registry);
      quorum.update(Clusters.ids(1, 2, 3));
      assertThat(gauge("quorate.quorum.quorate")).isEqualTo(1);
      assertThat(gauge("quorate.quorum.votes")).isEqualTo(3);
      assertThat(gauge("quorate.quorum.expected.votes")).isEqualTo(3);
      assertThat(gauge("quorate.quorum.threshold")).isEqualTo(2);
      assertThat(gauge("quorate.quorum.members")).isEqualTo(3);
      quorum.update(Clusters.ids(1));
      assertThat(gauge("quorate.quorum.quorate")).isZero();
      assertThat(gauge("quorate.quorum.votes")).isEqualTo(1);
      assertThat(registry.get("quorate.quorum.changes").tag("quorate", "true").counter().count())
          .isEqualTo(1);
      assertThat(registry.get("quorate.quorum.changes").tag("quorate", "false").counters())
          .hasSize(1)
          .allSatisfy(c -> assertThat(c.count()).isEqualTo(1));
      assertThatThrownBy(() -> QuorumMetrics.bind(quorum, registry))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("bound");
    }
  }
}
