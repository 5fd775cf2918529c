package dev.quorate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ScaleOptionsTest {
  @Test
  void sizesAndEmptyListsOverrideTheDefaults() {
    ScaleOptions options =
        ScaleOptions.parse(
            new String[] {"--failover", "10,20", "--memory", "", "--interval-ms", "250"});
    assertThat(options.failover()).containsExactly(10, 20);
    assertThat(options.memory()).isEmpty();
    assertThat(options.first()).isEqualTo(ScaleOptions.defaults().first());
    assertThat(options.interval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void badInputIsRefusedNamingTheOptionAndValue() {
    assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--first", "10,x"}))
        .hasMessageContaining("--first")
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--members", "1"}))
        .hasMessageContaining("--members: 1 must be at least 2");
    assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--sizes", "3"}))
        .hasMessageContaining("unknown option --sizes");
    assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--json"}))
        .hasMessageContaining("pairs");
  }

  @Test
  void growthExponentIsTheSlopeBetweenTheSmallestAndLargestSize() {
    List<ScalePoint> points =
        List.of(point(10, 1.0, 5.0), point(100, 10.0, 5.0), point(1000, 100.0, 5.0));
    String table = ScaleTables.render(points);
    assertThat(table).contains("| p50 ms | N=10: 1.00, N=100: 10.00, N=1000: 100 | N^1.00 |");
    assertThat(table)
        .contains(
            "| ZK requests per acquisition | N=10: 5.00, N=100: 5.00, N=1000: 5.00 | N^0.00 |");
  }

  private static ScalePoint point(int n, double p50, double requests) {
    return new ScalePoint(
        FirstAcquisition.TITLE,
        "Quorate",
        n,
        100,
        p50,
        Map.of("p50 ms", p50, "ZK requests per acquisition", requests));
  }
}
