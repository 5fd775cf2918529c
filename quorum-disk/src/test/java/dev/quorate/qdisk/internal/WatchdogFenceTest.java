package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.WatchdogDevice;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog self-fence against a stand-in: a plain file as the device (every byte written stays
 * in it) and a directory as its sysfs. This machine has no /dev/watchdog; nothing here can reset
 * it.
 */
@Timeout(20)
class WatchdogFenceTest {
  @TempDir Path dir;
  private Path device;
  private Path sysfs;
  private final FakeClock clock = new FakeClock();
  private final List<Integer> halts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void standIn() throws Exception {
    device = dir.resolve("watchdog");
    sysfs = Files.createDirectory(dir.resolve("sysfs"));
  }

  private void sysfsTimeout(String text) throws Exception {
    Files.writeString(sysfs.resolve("timeout"), text);
  }

  private WatchdogFence fence() {
    return new WatchdogFence(WatchdogDevice.of(device).withSysfs(sysfs), clock.view(0), halts::add);
  }

  private String written() throws Exception {
    return Files.exists(device) ? Files.readString(device, StandardCharsets.US_ASCII) : "";
  }

  @Test
  void theSysfsDirectoryIsDerivedFromTheDeviceName() {
    assertThat(WatchdogDevice.of(Path.of("/dev/watchdog")).sysfs())
        .isEqualTo(Path.of("/sys/class/watchdog/watchdog0"));
    assertThat(WatchdogDevice.of(Path.of("/dev/watchdog2")).sysfs())
        .isEqualTo(Path.of("/sys/class/watchdog/watchdog2"));
  }

  @Test
  void aTimeoutAboveTheRenewalDeadlineOrBelowTwoIntervalsIsRefused() {
    DiskTiming defaults = DiskTiming.defaults(); // interval 1 s, renewal deadline 3 s
    assertThat(WatchdogDevice.check(Duration.ofSeconds(3), defaults)).hasSeconds(3);
    assertThat(WatchdogDevice.check(Duration.ofSeconds(2), defaults)).hasSeconds(2);
    assertThatThrownBy(() -> WatchdogDevice.check(Duration.ofSeconds(60), defaults))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("60000 ms exceeds renewal_deadline 3000 ms");
    assertThatThrownBy(() -> WatchdogDevice.check(Duration.ofSeconds(1), defaults))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("1000 ms is below 2 x interval = 2000 ms");
  }

  @Test
  void verifyReadsTheTimeoutBackAndRefusesTheKernelDefaultOfSixtySeconds() throws Exception {
    sysfsTimeout("60\n");
    WatchdogFence f = fence();
    assertThatThrownBy(
            () ->
                f.verify(DiskTiming.defaults().interval(), DiskTiming.defaults().renewalDeadline()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("60000 ms exceeds renewal_deadline 3000 ms");
    assertThat(device).doesNotExist();
    sysfsTimeout("3\n");
    f.verify(DiskTiming.defaults().interval(), DiskTiming.defaults().renewalDeadline());
  }

  @Test
  void anUnreadableOrContradictedTimeoutIsRefusedNamingTheValue() throws Exception {
    WatchdogDevice w = WatchdogDevice.of(device).withSysfs(sysfs);
    assertThatThrownBy(w::readTimeout)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(sysfs.resolve("timeout") + " does not exist");
    assertThat(w.withExpectedTimeout(Duration.ofSeconds(3)).readTimeout()).hasSeconds(3);
    sysfsTimeout("ten");
    assertThatThrownBy(w::readTimeout).hasMessageContaining("holds 'ten'");
    sysfsTimeout("10");
    assertThatThrownBy(() -> w.withExpectedTimeout(Duration.ofSeconds(3)).readTimeout())
        .hasMessageContaining("timeout is 10 s")
        .hasMessageContaining("declares 3000 ms");
    assertThatThrownBy(() -> w.withExpectedTimeout(Duration.ZERO))
        .hasMessageContaining("0 ms must be positive");
  }

  @Test
  void petsNeverWriteTheMagicCloseAndACleanStopDisarmsOnce() throws Exception {
    WatchdogFence f = fence();
    f.renewed(1);
    f.renewed(2);
    f.renewed(3);
    assertThat(written()).isEqualTo("111");
    f.disarm();
    assertThat(written()).isEqualTo("111V");
    f.renewed(4);
    f.disarm();
    assertThat(written()).as("a disarmed watchdog is not re-armed").isEqualTo("111V");
  }

  @Test
  void aSelfFenceStopsPettingNeverWritesVAndHaltsWithTheOneStatusAfterTwiceTheTimeout()
      throws Exception {
    sysfsTimeout("3");
    WatchdogFence f = fence();
    f.verify(DiskTiming.defaults().interval(), DiskTiming.defaults().renewalDeadline());
    f.renewed(1);
    long before = clock.view(0).nanoTime();
    f.fence(SelfFenceReason.POISON_PILL, "test");
    assertThat(clock.view(0).nanoTime() - before).isEqualTo(Duration.ofSeconds(6).toNanos());
    assertThat(halts).containsExactly(SelfFence.EXIT_STATUS);
    assertThat(SelfFence.EXIT_STATUS).isEqualTo(70);
    f.renewed(2);
    f.disarm();
    assertThat(written()).isEqualTo("1");
  }

  @Test
  void aWatchdogThatCannotBeOpenedHaltsAtTheFirstRenewalInsteadOfRunningUnprotected()
      throws Exception {
    sysfsTimeout("3");
    device = dir.resolve("missing").resolve("watchdog"); // its directory does not exist
    WatchdogFence f = fence();
    f.verify(DiskTiming.defaults().interval(), DiskTiming.defaults().renewalDeadline());
    f.renewed(1);
    assertThat(halts).containsExactly(SelfFence.EXIT_STATUS);
  }

  @Test
  void aSelfFenceBeforeTheWatchdogIsArmedHaltsAtOnce() throws Exception {
    sysfsTimeout("3");
    WatchdogFence f = fence();
    f.verify(DiskTiming.defaults().interval(), DiskTiming.defaults().renewalDeadline());
    long before = clock.view(0).nanoTime();
    f.fence(SelfFenceReason.POISON_PILL, "test");
    assertThat(clock.view(0).nanoTime() - before).isZero();
    assertThat(halts).containsExactly(SelfFence.EXIT_STATUS);
  }

  @Test
  void theEngineDisarmsOnCleanCloseButNotAfterItsDeadline() throws Exception {
    SimCluster c = new SimCluster(1, 3);
    HeartbeatEngine e = c.start(1, fence());
    c.beat(3);
    assertThat(written()).isEqualTo("111");
    e.close();
    assertThat(written()).isEqualTo("111V");

    Files.delete(device);
    HeartbeatEngine again = c.start(1, fence());
    c.beat(2);
    c.paused.add(1);
    c.beat(5); // 500 ms without renewal: past the 300 ms deadline
    again.close();
    assertThat(written()).isEqualTo("11");
  }

  @Test
  void anEvictedEngineFencesThroughTheWatchdogWithoutMagicCloseEvenWhenClosedLater()
      throws Exception {
    SimCluster c = new SimCluster(1, 3);
    HeartbeatEngine e = c.start(2, fence());
    c.beat(2);
    long incarnation = e.status().incarnation();
    DiskReader.deliver(
        c.disks.get(0),
        c.headers.get(0),
        new MailboxMessage(2, MessageType.RESET, 0, incarnation, 42));
    c.beat();
    assertThat(halts).containsExactly(SelfFence.EXIT_STATUS);
    assertThat(e.status().fenced()).isTrue();
    e.close();
    assertThat(written()).doesNotContain("V");
  }
}
