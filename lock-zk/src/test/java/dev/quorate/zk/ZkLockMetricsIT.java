package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two members on a real ZooKeeper server, measured into one Prometheus registry: the scrape shows
 * exactly the grants, timeouts, cached grants, losses and revocations the test caused, and the
 * introspection shows each member's holders and waiters.
 */
@Timeout(120)
class ZkLockMetricsIT {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-z_]+)(?:\\{([^}]*)\\})? ([-+0-9.eE]+|NaN)");

  private TestingServer server;
  private ZkLockManager rawFirst;
  private ZkLockManager rawSecond;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    rawFirst = build(true);
    rawSecond = build(false);
  }

  private ZkLockManager build(boolean cohorting) throws InterruptedException {
    return ZkLockManager.builder()
        .connectString(server.getConnectString())
        .sessionTimeout(Duration.ofSeconds(5))
        .cohorting(cohorting)
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    rawFirst.close();
    rawSecond.close();
    server.close();
  }

  @Test
  void aScrapeShowsWhatTheMembersDid() throws Exception {
    LockManager first = ZkLockMetrics.instrument(rawFirst, registry);
    LockManager second = ZkLockMetrics.instrument(rawSecond, registry);

    // Three EX cycles on one member with cohorting: ZooKeeper grants the first, the member's
    // cached node serves the other two.
    for (int i = 0; i < 3; i++) {
      first.lock("volume/1").acquire(LockMode.EX).release();
    }
    // The other member asks: the first gives its cached node up, then this one holds.
    Lease held = second.lock("volume/1").acquire(LockMode.EX);
    Optional<Lease> refused =
        first.lock("volume/1").tryAcquire(LockMode.EX, Duration.ofMillis(200));
    assertThat(refused).isEmpty();
    CompletableFuture<Lease> waiting = first.lock("volume/1").acquireAsync(LockMode.EX);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> second.inspect("volume/1").queue().size() == 1);

    LockInspection seen = first.inspect("volume/1");
    assertThat(seen.holders())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.token().major()).isEqualTo(held.token().major());
              assertThat(h.mode()).isEqualTo(LockMode.EX);
            });
    assertThat(seen.queue())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.mode()).isEqualTo(LockMode.EX);
              assertThat(w.member()).isNotEqualTo(seen.holders().get(0).member());
            });

    first.revoke("volume/1", held.token(), "ops/test", "metrics IT");
    Lease next = waiting.get(20, TimeUnit.SECONDS);
    next.release();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                value(
                        registry.scrape(),
                        "quorate_lock_transitions_total",
                        "from=\"granted\"",
                        "to=\"lost\"")
                    == 1);

    String text = registry.scrape();
    assertThat(value(text, "quorate_lock_wait_seconds_count", "outcome=\"granted\"", "mode=\"EX\""))
        .isEqualTo(5); // 3 cycles, the second member's grant, the waiter's
    assertThat(value(text, "quorate_lock_wait_seconds_count", "outcome=\"timeout\"")).isEqualTo(1);
    assertThat(value(text, "quorate_lock_cached_grants_total")).isEqualTo(2);
    assertThat(value(text, "quorate_lock_revocations_total")).isEqualTo(1);
    assertThat(value(text, "quorate_lock_hold_seconds_count", "end=\"lost\"")).isEqualTo(1);
    assertThat(text).contains("# TYPE quorate_lock_wait_seconds summary");
    assertThat(text).doesNotContain("volume/1"); // never a resource label
    assertThat(labelKeys(text, "quorate_lock_wait_seconds_count"))
        .containsExactly("mechanism", "mode", "outcome");
  }

  /** The sum of the samples of {@code name} whose labels include all of {@code labels}. */
  static double value(String text, String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches() && m.group(1).equals(name)) {
        Set<String> have =
            new TreeSet<>(
                Arrays.asList(m.group(2) == null ? new String[0] : m.group(2).split(",")));
        if (have.containsAll(Arrays.asList(labels))) {
          sum += Double.parseDouble(m.group(3));
          found = true;
        }
      }
    }
    return found ? sum : Double.NaN;
  }

  private static Set<String> labelKeys(String text, String name) {
    Set<String> keys = new TreeSet<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches() && m.group(1).equals(name) && m.group(2) != null) {
        for (String label : m.group(2).split(",")) {
          keys.add(label.substring(0, label.indexOf('=')));
        }
      }
    }
    return keys;
  }
}
