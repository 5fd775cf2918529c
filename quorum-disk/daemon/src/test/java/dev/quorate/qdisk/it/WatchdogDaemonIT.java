package dev.quorate.qdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.quorum.SelfFence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with {@code self-fence=watchdog} against a device stand-in: a plain file as the device
 * (every byte the daemon writes stays in it) and a directory with a {@code timeout} file as its
 * sysfs. This machine has no /dev/watchdog, so nothing here can reset it; the tests check what the
 * daemon writes and how it exits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WatchdogDaemonIT {
  private static final Duration START = Duration.ofSeconds(40);

  @TempDir Path dir;
  private Path device;
  private Path sysfs;

  @BeforeEach
  void standIn() throws Exception {
    device = dir.resolve("watchdog");
    sysfs = Files.createDirectory(dir.resolve("sysfs"));
    Files.writeString(sysfs.resolve("timeout"), "1\n");
  }

  private List<String> watchdog() {
    return List.of("self-fence=watchdog", "watchdog.device=" + device, "watchdog.sysfs=" + sysfs);
  }

  private String written() throws Exception {
    return Files.exists(device) ? Files.readString(device, StandardCharsets.US_ASCII) : "";
  }

  @Test
  void aPoisonPillEndsAWatchdogDaemonWithTheSelfFenceStatusAndNoMagicClose() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    try (Daemons d = new Daemons(dir)) {
      d.start(1, disk, 0);
      d.start(2, disk, 0, watchdog());
      await().atMost(START).until(() -> d.logged(1, "NODE_UP", 2) && written().length() >= 3);
      assertThat(
              Daemons.tool(
                  dir,
                  "message",
                  "-d",
                  disk.get(0).toString(),
                  "--cluster",
                  "it",
                  "--slot",
                  "2",
                  "reset"))
          .isZero();
      Process victim = d.process(2);
      assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
      // Before the fix: 71, which the shipped unit restarts on, re-arming the watchdog.
      assertThat(victim.exitValue()).isEqualTo(SelfFence.EXIT_STATUS);
      assertThat(written()).matches("1+").doesNotContain("V");
      assertThat(d.process(1).isAlive()).isTrue();
    }
  }

  @Test
  void sigtermStopsCleanlyAndDisarmsWithTheMagicClose() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    try (Daemons d = new Daemons(dir)) {
      d.start(1, disk, 0, watchdog());
      await().atMost(START).until(() -> written().length() >= 3);
      d.process(1).destroy();
      assertThat(d.process(1).waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(d.process(1).exitValue()).isEqualTo(143);
      assertThat(written()).matches("1+V");
    }
  }

  @Test
  void aWatchdogTimeoutAboveTheRenewalDeadlineIsRefusedBeforeArming() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    Files.writeString(sysfs.resolve("timeout"), "60\n");
    byte[] before = Files.readAllBytes(disk.get(0));
    try (Daemons d = new Daemons(dir)) {
      Process p = d.start(1, disk, 0, watchdog());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(3);
      assertThat(Files.readString(dir.resolve("node1.out")))
          .contains("60000 ms exceeds renewal_deadline 2400 ms");
    }
    assertThat(device).doesNotExist();
    assertThat(Files.readAllBytes(disk.get(0))).isEqualTo(before);
  }

  @Test
  void testWatchdogArmsPetsOnceAndReportsAWatchdogThatDidNotReset() throws Exception {
    long start = System.nanoTime();
    int code =
        Daemons.tool(
            dir,
            "test-watchdog",
            "--device",
            device.toString(),
            "--sysfs",
            sysfs.toString(),
            "--confirm-reset");
    assertThat(code).as("exit 6: the stand-in cannot reset the machine").isEqualTo(6);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(2));
    assertThat(written()).isEqualTo("1");
  }
}
