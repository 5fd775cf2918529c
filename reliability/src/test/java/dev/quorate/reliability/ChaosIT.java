package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short profile of the reliability suite, run by {@code mvn verify}: three ZooKeeper servers,
 * three lock clients and the fenced counter as processes; every fault type at least once in the
 * fenced run, then a control run without token checks. The long profile is {@code bin/chaos}. The
 * run directory stays in {@code target/chaos-it} for inspection.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ChaosIT {
  @Test
  void faultsBiteButTheFencedResourceNeverAcceptsAStaleHolder() throws Exception {
    Path dir = Path.of("target", "chaos-it");
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    RunCommand.Outcome outcome =
        RunCommand.runBoth(
            dir, 1.2, 0.5, Duration.ofSeconds(4), Duration.ofSeconds(3), 8, 5, ZkServers.builtIn());
    System.out.println(outcome.text());

    CheckResult fenced = outcome.fenced();
    assertThat(fenced.violations()).as(outcome.text()).isEmpty();
    assertThat(fenced.faults().keySet())
        .as("every fault type injected")
        .containsOnly(Fault.values());
    assertThat(fenced.faultsWithoutEffect()).as("every fault took effect").isEmpty();
    assertThat(fenced.staleRefused()).as("stale holders wrote and were refused").isPositive();
    assertThat(fenced.overlaps()).isZero();
    assertThat(fenced.grants()).as("the lock kept being granted").isGreaterThan(100);

    CheckResult control = outcome.control();
    assertThat(control.overlaps()).as("without the token check, stale writes land").isPositive();
    assertThat(control.violations()).as("every other invariant holds there too").isEmpty();
    assertThat(outcome.passed()).isTrue();
  }
}
