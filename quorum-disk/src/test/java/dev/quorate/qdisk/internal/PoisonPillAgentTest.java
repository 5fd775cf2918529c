package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.AgentRequest;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceOutcome;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.PlugMapping;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.SlotState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class PoisonPillAgentTest {
  @TempDir Path dir;
  private Path disk;
  private DiskHeader header;
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void format() throws Exception {
    disk = dir.resolve("d.img");
    Files.write(disk, new byte[9 * 4096]);
    header = new DiskHeader(1, UUID.randomUUID(), "alpha", 4, SimCluster.TIMING);
    try (FileBlockDevice d = FileBlockDevice.open(disk, false)) {
      DiskFormatter.format(d, header, false);
      d.write(
          Layout.slotOffset(3),
          RecordCodec.encodeSlot(
              header.diskId(),
              new HeartbeatSlot(3, 7, 100, SlotState.RUN, 0, true, 1, 1, List.of(1, 3))));
    }
  }

  private AgentRequest request(FenceAction action, Duration timeout) {
    FenceDevice device =
        FenceDevice.builder("pill", PoisonPillAgent.NAME)
            .scope(FenceScope.VM)
            .option("devices", disk.toString())
            .option("cluster", "alpha")
            .plugs(PlugMapping.none())
            .timeout(timeout)
            .build();
    return AgentRequest.of(device, action).withPlug("3");
  }

  @Test
  void rebootWritesResetForTheCurrentIncarnationReadsItBackAndWaitsMsgwait() throws Exception {
    long before = clock.view(0).nanoTime();
    FenceOutcome o =
        new PoisonPillAgent(clock.view(0))
            .perform(request(FenceAction.REBOOT, Duration.ofSeconds(5)));
    assertThat(o.succeeded()).as(o.detail()).isTrue();
    assertThat(clock.view(0).nanoTime() - before)
        .isGreaterThanOrEqualTo(SimCluster.TIMING.msgwait().toNanos());
    try (FileBlockDevice d = FileBlockDevice.open(disk, false)) {
      MailboxMessage m = DiskReader.readMailbox(d, header, 3).value().orElseThrow();
      assertThat(m.type()).isEqualTo(MessageType.RESET);
      assertThat(m.fences(7)).isTrue();
      assertThat(m.fences(8)).as("a restarted node is not fenced again").isFalse();
    }
  }

  @Test
  void aTimeoutShorterThanMsgwaitFailsWithoutWriting() throws Exception {
    byte[] image = Files.readAllBytes(disk);
    FenceOutcome o =
        new PoisonPillAgent(clock.view(0))
            .perform(request(FenceAction.OFF, Duration.ofMillis(100)));
    assertThat(o.succeeded()).isFalse();
    assertThat(o.detail()).contains("msgwait 500 ms does not fit");
    assertThat(Files.readAllBytes(disk)).isEqualTo(image);
  }

  @Test
  void isRegisteredForTheFencingSpi() {
    assertThat(ServiceLoader.load(FenceAgent.class).stream().map(p -> p.get().name()))
        .contains(PoisonPillAgent.NAME);
  }
}
