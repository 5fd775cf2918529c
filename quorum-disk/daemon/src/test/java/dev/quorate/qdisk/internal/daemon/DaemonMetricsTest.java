package dev.quorate.qdisk.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.QuorumDiskStatus;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.metrics.QuorumDiskMetrics;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /metrics} follows Prometheus conventions and counts what operators alert on. */
@Timeout(10)
class DaemonMetricsTest {
  private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)(?:\\{([^}]*)\\})? (-?[0-9.E]+)");
  private static final long NOW = 50_000_000_000L;

  private static QuorumDiskStatus status(NodeLiveness peer2) {
    return new QuorumDiskStatus(
        1,
        3,
        100,
        SlotState.MASTER,
        false,
        Optional.of(1),
        4,
        0,
        true,
        100,
        7,
        List.of(
            new NodeStatus(2, peer2, SlotState.RUN, 5, 90, 0, 12, 1, 41, false, OptionalLong.of(1)),
            new NodeStatus(
                3, NodeLiveness.UP, SlotState.RUN, 1, 99, 0, 0, 0, 0, false, OptionalLong.of(1))),
        List.of(
            new DiskHealth(
                "/dev/a",
                DiskHealth.State.HEALTHY,
                true,
                Duration.ofMillis(2),
                100,
                0,
                0,
                OptionalLong.of(NOW - 300_000_000L),
                ""),
            new DiskHealth(
                "/dev/b",
                DiskHealth.State.FAILING,
                false,
                Duration.ofMillis(250),
                42,
                58,
                58,
                OptionalLong.of(NOW - 17_400_000_000L),
                "read: EIO")));
  }

  @Test
  void familiesFollowPrometheusConventionsWithStableLabels() {
    MockClock clock = new MockClock();
    clock.add(Duration.ofNanos(NOW - clock.monotonicTime()));
    PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
    AtomicReference<QuorumDiskStatus> now = new AtomicReference<>(status(NodeLiveness.UP));
    QuorumDiskMetrics metrics = QuorumDiskMetrics.create(registry, 1);
    metrics.bind(disk(now::get));
    metrics
        .listener()
        .accept(
            new QuorumDiskEvent(
                QuorumDiskEvent.Kind.NODE_RESTARTED, 2, 4, NOW, 0, "incarnation 5"));
    String up = registry.scrape();
    now.set(status(NodeLiveness.DOWN));
    String down = registry.scrape();

    assertThat(labelSets(up)).isEqualTo(labelSets(down)); // a DOWN peer is the same series
    for (String text : List.of(up, down)) {
      Map<String, String> types = types(text);
      types.forEach(
          (name, type) -> {
            assertThat(name).matches("qdisk_[a-z_]+");
            assertThat(name.endsWith("_total")).as(name).isEqualTo(type.equals("counter"));
          });
      labelSets(text)
          .forEach(
              (name, keys) ->
                  assertThat(keys)
                      .as(name)
                      .hasSize(1)
                      .allSatisfy(k -> assertThat(k).isIn("", "node", "disk")));
    }
    assertThat(up)
        .contains("qdisk_peer_up{node=\"2\"} 1")
        .contains("qdisk_peer_undead_writes_total{node=\"2\"} 41")
        .contains("qdisk_peer_incarnation{node=\"2\"} 5")
        .contains("qdisk_peer_restarts_total{node=\"2\"} 1")
        .contains("qdisk_peer_restarts_total{node=\"3\"} 0")
        .contains("qdisk_renewals_total 93")
        .contains("qdisk_renewal_failures_total 7")
        .contains("qdisk_disk_up{disk=\"/dev/b\"} 0")
        .contains("qdisk_disk_failures_total{disk=\"/dev/b\"} 58")
        .contains("qdisk_disk_renewals_total{disk=\"/dev/a\"} 100")
        .contains("qdisk_disk_consecutive_failures{disk=\"/dev/b\"} 58")
        .contains("qdisk_disk_last_success_age_seconds{disk=\"/dev/b\"} 17.4")
        .doesNotContain("liveness")
        .doesNotContain("peer=");
    assertThat(down).contains("qdisk_peer_up{node=\"2\"} 0");
  }

  /** A quorum disk that only answers {@code status()}: all the metrics read. */
  private static QuorumDisk disk(Supplier<QuorumDiskStatus> status) {
    return (QuorumDisk)
        Proxy.newProxyInstance(
            QuorumDisk.class.getClassLoader(),
            new Class<?>[] {QuorumDisk.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "status" -> status.get();
                  case "toString" -> "fake quorum disk";
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /** Each family's set of label-key lists over its samples; a stable family has exactly one. */
  private static Map<String, Set<String>> labelSets(String text) {
    Map<String, Set<String>> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      String keys =
          m.group(2) == null ? "" : m.group(2).replaceAll("=\"[^\"]*\"", "").replace(",", "+");
      out.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(keys);
    }
    return out;
  }

  private static Map<String, String> types(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        assertThat(out.put(p[2], p[3])).as("one TYPE for " + p[2]).isNull();
      }
    }
    return out;
  }
}
