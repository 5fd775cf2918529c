package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A failing disk is visible: counted, timed, and logged once per change of state. */
@Timeout(20)
class DiskHealthTest {
  private static final int SLOTS = 4;

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(DiskHealthTracker.class);
  private final FakeClock time = new FakeClock();
  private final MonotonicClock clock = time.view(0);
  private HeartbeatSlot mine = HeartbeatSlot.empty(2);

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void aDiskTruncatedBehindTheSlotsDoesNotRenewAndIsLoggedOncePerChange() throws Exception {
    Path file = dir.resolve("disk");
    Files.write(file, new byte[(1 + 2 * SLOTS) * DiskHeader.BLOCK_SIZE]);
    DiskHeader h =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION,
            UUID.randomUUID(),
            UUID.randomUUID(),
            "alpha",
            SLOTS,
            DiskTiming.defaults());
    try (FileBlockDevice device = FileBlockDevice.open(file, true)) {
      DiskFormatter.format(device, h, false);
      DiskChannel disk = new DiskChannel(device, h);
      assertThat(disk.health().state()).isEqualTo(DiskHealth.State.UNKNOWN);

      beat(disk);
      beat(disk);
      long lastSuccess = clock.nanoTime();
      assertThat(disk.health().state()).isEqualTo(DiskHealth.State.HEALTHY);

      // The header and every slot are still there; the mailboxes are gone.
      truncate(file, Layout.headerAndSlotsLength(SLOTS));
      for (int i = 0; i < 3; i++) {
        assertThat(beat(disk).renewed()).as("round %d on a truncated disk", i).isFalse();
      }
      DiskHealth failing = disk.health();
      assertThat(failing.state()).isEqualTo(DiskHealth.State.FAILING);
      assertThat(failing.renewed()).isFalse();
      assertThat(failing.consecutiveFailures()).isEqualTo(3);
      assertThat(failing.failures()).isEqualTo(3);
      assertThat(failing.renewals()).isEqualTo(2);
      assertThat(failing.lastSuccessNanos()).hasValue(lastSuccess);
      assertThat(failing.lastError()).contains("mailbox").doesNotContain("read back differs");

      Files.write(
          file,
          new byte[(1 + 2 * SLOTS) * DiskHeader.BLOCK_SIZE - Layout.headerAndSlotsLength(SLOTS)],
          StandardOpenOption.APPEND);
      assertThat(beat(disk).renewed()).isTrue();
      assertThat(disk.health().consecutiveFailures()).isZero();
      assertThat(disk.health().renewals()).isEqualTo(3);
    }
    assertThat(logged.list)
        .extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
        .satisfiesExactly(
            warn ->
                assertThat(warn)
                    .startsWith(Level.WARN + " disk " + file + " failing: ")
                    .contains("mailbox"),
            info ->
                assertThat(info)
                    .isEqualTo(
                        Level.INFO + " disk " + file + " renews again after 3 failed heartbeats"));
  }

  private DiskChannel.Round beat(DiskChannel disk) {
    time.advance(Duration.ofSeconds(1));
    mine = mine.next(SlotState.RUN, 0, true, 0, 0, List.of(2));
    return disk.heartbeat(mine, clock);
  }

  private static void truncate(Path file, long size) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }
}
