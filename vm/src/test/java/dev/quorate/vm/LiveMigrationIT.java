package dev.quorate.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration between two QEMU processes on localhost (two runtime directories standing for two
 * hosts) sharing one disk file: the guest keeps writing, without a gap in its disk's sequence.
 */
@Timeout(300)
class LiveMigrationIT {
  private static final Duration BOOT = Duration.ofSeconds(90);

  @TempDir Path dir;

  private static boolean recordAtLeast(String line, long seq) {
    return GuestRecord.isRecord(line) && GuestRecord.parse(line).seq() >= seq;
  }

  @Test
  void aMigratedGuestKeepsItsRecordSequenceAndReportsItsDowntime() throws Exception {
    GuestImage image = GuestImage.get();
    Path disk = GuestImage.newDisk(dir, "vm-m");
    try (QemuGuest source = image.guest("vm-m", 5, dir.resolve("host-a")).disk(disk).build()) {
      source.start();
      source.awaitConsole(l -> recordAtLeast(l, 10), BOOT);
      try (QemuGuest target =
          source.toBuilder().runtimeDir(dir.resolve("host-b")).incomingMigration().build()) {
        target.start();
        assertThat(target.status()).isEqualTo(GuestStatus.INMIGRATE);

        MigrationResult result = source.migrateTo(target, Duration.ofSeconds(120));

        assertThat(source.status()).isEqualTo(GuestStatus.POSTMIGRATE);
        assertThat(target.status()).isEqualTo(GuestStatus.RUNNING);
        source.quit();
        // The target goes on from where the source stopped: the disk is shared.
        ConsoleLine firstOnTarget = target.awaitConsole(GuestRecord::isRecord, BOOT);
        long resumedAt = GuestRecord.parse(firstOnTarget.text()).seq();
        target.awaitConsole(l -> recordAtLeast(l, resumedAt + 10), BOOT);
        target.stop();

        List<ConsoleLine> lines = new ArrayList<>(source.console());
        lines.addAll(target.console());
        List<ConsoleLine> records =
            lines.stream().filter(l -> GuestRecord.isRecord(l.text())).toList();
        long gapNanos = 0;
        for (int i = 1; i < records.size(); i++) {
          gapNanos =
              Math.max(
                  gapNanos, records.get(i).receivedNanos() - records.get(i - 1).receivedNanos());
        }
        List<Long> printed = records.stream().map(l -> GuestRecord.parse(l.text()).seq()).toList();
        for (int i = 0; i < printed.size(); i++) {
          assertThat(printed.get(i)).as("console record %d", i).isEqualTo(i);
        }
        List<GuestRecord> onDisk = GuestDisk.read(disk); // checks every CRC and seq == slot
        assertThat(onDisk.size()).isGreaterThanOrEqualTo(printed.size());
        assertThat(onDisk).allSatisfy(r -> assertThat(r.token()).isEqualTo(5));
        assertThat(result.downtime()).isPositive();
        System.out.printf(
            "migration: QEMU downtime %d ms, total %d ms, %d MiB sent, migrate-to-resume %d ms;"
                + " guest-visible gap (largest interval between consecutive console records) %d"
                + " ms; record %d is the first the target wrote%n",
            result.downtime().toMillis(),
            result.totalTime().toMillis(),
            result.transferredBytes() >> 20,
            result.elapsed().toMillis(),
            gapNanos / 1_000_000,
            resumedAt);
      }
    }
  }
}
