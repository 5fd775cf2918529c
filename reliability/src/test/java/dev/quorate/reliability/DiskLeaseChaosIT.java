package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk-lease part of the short profile: three hosts (each its own JVM) on three lease disk
 * files increment the fenced counter under the disk lock while the holder is paused past its lease
 * and killed, and one disk of three is lost for a while. The long profile, with torn, lost and
 * stalled writes, a duplicate host id, one disk and the control run, is {@code bin/chaos disk-lease
 * --minutes N}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiskLeaseChaosIT {
  private static final List<Fault> SHORT =
      List.of(Fault.PAUSE_HOLDER, Fault.KILL_HOLDER, Fault.LOSE_DISK);

  @TempDir Path dir;

  @Test
  void noStaleWriteLandsAndEveryLostLeaseIsReported() throws Exception {
    long started = System.nanoTime();
    DiskRunSettings settings =
        new DiskRunSettings(
            Duration.ofSeconds(5),
            true,
            SHORT,
            3,
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            3,
            17);
    CheckResult r = DiskLeaseCommand.runOne(dir, settings);
    String report = settings.describe() + "\n" + Report.render("disk-lease short profile", r);
    System.out.println(report);
    System.out.printf(
        "disk-lease short profile took %d ms (%s)%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        String.join(", ", Files.readAllLines(dir.resolve("phases.log"))));
    assertThat(r.violations()).as(report).isEmpty();
    assertThat(r.faults().keySet()).as(report).containsExactlyInAnyOrderElementsOf(SHORT);
    assertThat(r.faultsWithoutEffect()).as("the trap caught the holder: " + report).isEmpty();
    assertThat(r.staleRefused())
        .as("the paused holder woke up and its write was refused: " + report)
        .isPositive();
  }
}
