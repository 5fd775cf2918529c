package dev.quorate.qdisk;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class QuorumDiskBuilderTest {
  @Test
  void aMinimumScoreNoHeuristicsCanReachIsRefusedBeforeAnyDiskIsOpened() {
    QuorumDiskBuilder builder =
        QuorumDisk.builder(2, "alpha")
            .disk(Path.of("/nonexistent/qdisk"))
            .selfFence(SelfFence.exit())
            .heuristic(Heuristic.command("ping", List.of("true"), 1, Duration.ofSeconds(1)), 2)
            .heuristic(Heuristic.command("gw", List.of("true"), 1, Duration.ofSeconds(1)), 3);
    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "minimum score 3 is above the sum of the heuristics' scores (2): node 2 could never"
                + " be master; use at most 2");
  }
}
