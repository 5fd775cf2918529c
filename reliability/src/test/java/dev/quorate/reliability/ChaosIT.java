package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short profile of the reliability suite, run by {@code mvn verify}: five ZooKeeper servers,
 * three lock clients and the fenced counter as processes, each server and client in a network
 * namespace of its own. The fenced run (ZooKeeper 3.9) injects every fault type once; the control
 * run without token checks (ZooKeeper 3.8 servers) injects once each fault that lets a stale holder
 * write. Where namespaces cannot be made, the report says so and the partition faults are left out.
 * The long profile is {@code bin/chaos}. The run directory stays in {@code target/chaos-it}.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ChaosIT {
  @Test
  void faultsBiteButTheFencedResourceNeverAcceptsAStaleHolder() throws Exception {
    Path dir = Path.of("target", "chaos-it");
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    List<String> versions = ZkServers.available();
    assertThat(versions).as("the build copies ZooKeeper 3.8 servers").hasSize(2);
    RunCommand.Outcome outcome =
        // A few seconds of faults: each run goes once through its whole rotation (see Nemesis).
        RunCommand.runBoth(
            dir, 0.05, 0.05, Duration.ofSeconds(3), Duration.ofSeconds(1), 8, 5, versions);
    System.out.println(outcome.text());

    CheckResult fenced = outcome.fenced();
    assertThat(fenced.violations()).as(outcome.text()).isEmpty();
    assertThat(fenced.faults().keySet())
        .as("every fault type of the rotation injected")
        .containsExactlyInAnyOrderElementsOf(outcome.faults());
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
