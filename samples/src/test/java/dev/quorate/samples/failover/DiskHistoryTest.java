package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.vm.GuestRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DiskHistoryTest {
  /** Records of consecutive slots: {token, uptime ms} pairs. */
  private static List<GuestRecord> disk(long[]... tokenAndUptime) {
    List<GuestRecord> records = new ArrayList<>();
    for (long[] r : tokenAndUptime) {
      records.add(new GuestRecord("vm-1", r[0], records.size(), Duration.ofMillis(r[1])));
    }
    return records;
  }

  @Test
  void aFailoverAndAMigrationLeaveASoundHistory() {
    // token 5 boots; token 7 boots after a failover (uptime restarts); migrated, uptime goes on.
    DiskHistory history =
        new DiskHistory(
            "vm-1",
            disk(
                new long[] {5, 100},
                new long[] {5, 200},
                new long[] {7, 90},
                new long[] {7, 190},
                new long[] {7, 600}));
    assertThat(history.violations()).isEmpty();
    assertThat(history.epochs()).containsExactly("token 5: seq 0-1", "token 7: seq 2-4");
  }

  @Test
  void aStaleRecordAfterANewerOneIsNamed() {
    DiskHistory history =
        new DiskHistory("vm-1", disk(new long[] {5, 100}, new long[] {7, 90}, new long[] {5, 300}));
    assertThat(history.violations())
        .containsExactly("vm-1: seq 2 has token 5, older than token 7 at seq 1");
  }

  @Test
  void twoWritersUnderOneTokenAreNamed() {
    // A second boot under the same token: its uptime starts again.
    DiskHistory history = new DiskHistory("vm-1", disk(new long[] {7, 900}, new long[] {7, 80}));
    assertThat(history.violations())
        .containsExactly(
            "vm-1: token 7 has a second writer: uptime 80 ms at seq 1 after 900 ms at seq 0");
  }
}
