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
 * Live migration between QEMU processes on localhost (runtime directories standing for hosts)
 * sharing one disk file, there and back: the guest keeps writing, without a gap in its disk's
 * sequence.
 */
@Timeout(300)
class LiveMigrationIT {
  private static final Duration BOOT = Duration.ofSeconds(90);

  @TempDir Path dir;

  private static boolean recordAtLeast(String line, long seq) {
    return GuestRecord.isRecord(line) && GuestRecord.parse(line).seq() >= seq;
  }

  private static ConsoleLine lastRecord(List<ConsoleLine> lines) {
    List<ConsoleLine> records = lines.stream().filter(l -> GuestRecord.isRecord(l.text())).toList();
    return records.get(records.size() - 1);
  }

  @Test
  void aGuestMigratedThereAndBackKeepsItsRecordSequenceAndReportsItsDowntime() throws Exception {
    Path disk = TestGuest.newDisk(dir, "vm-m");
    List<QemuGuest> started = new ArrayList<>();
    List<ConsoleLine> lines = new ArrayList<>();
    try {
      QemuGuest source = TestGuest.guest("vm-m", 5, dir.resolve("host-a")).disk(disk).build();
      started.add(source);
      source.start();
      source.awaitConsole(l -> recordAtLeast(l, 10), BOOT);
      // host-a -> host-b -> host-a: the second hop reuses the first host's directory.
      for (String host : List.of("host-b", "host-a")) {
        QemuGuest target =
            source.toBuilder().runtimeDir(dir.resolve(host)).incomingMigration().build();
        started.add(target);
        target.start();
        assertThat(target.status()).isEqualTo(GuestStatus.INMIGRATE);

        MigrationResult result = source.migrateTo(target, Duration.ofSeconds(120));

        assertThat(source.status()).isEqualTo(GuestStatus.POSTMIGRATE);
        assertThat(target.status()).isEqualTo(GuestStatus.RUNNING);
        assertThat(result.downtime()).isPositive();
        source.quit();
        lines.addAll(source.console());
        // The target goes on from where the source stopped: the disk is shared.
        ConsoleLine first = target.awaitConsole(GuestRecord::isRecord, BOOT);
        long resumedAt = GuestRecord.parse(first.text()).seq();
        target.awaitConsole(l -> recordAtLeast(l, resumedAt + 10), BOOT);
        System.out.printf(
            "migration to %s: QEMU downtime %d ms, total %d ms, %d MiB sent, migrate-to-resume %d"
                + " ms; guest-visible gap (the source's last record to the target's first) %d ms%n",
            host,
            result.downtime().toMillis(),
            result.totalTime().toMillis(),
            result.transferredBytes() >> 20,
            result.elapsed().toMillis(),
            (first.receivedNanos() - lastRecord(lines).receivedNanos()) / 1_000_000);
        source = target;
      }
      source.stop();
      lines.addAll(source.console());

      List<Long> printed =
          lines.stream()
              .map(ConsoleLine::text)
              .filter(GuestRecord::isRecord)
              .map(l -> GuestRecord.parse(l).seq())
              .toList();
      for (int i = 0; i < printed.size(); i++) {
        assertThat(printed.get(i)).as("console record %d of three QEMU processes", i).isEqualTo(i);
      }
      List<GuestRecord> onDisk = GuestDisk.read(disk); // checks every CRC and seq == slot
      assertThat(onDisk.size()).isGreaterThanOrEqualTo(printed.size());
      assertThat(onDisk).allSatisfy(r -> assertThat(r.token()).isEqualTo(5));
    } finally {
      started.forEach(QemuGuest::close);
    }
  }
}
