package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.AgentRequest;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceOutcome;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.PlugMapping;
import dev.quorate.fence.PowerStatus;
import dev.quorate.fence.StatusReport;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.SlotState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class PoisonPillAgentTest {
  static final UUID SET = UUID.randomUUID();

  @TempDir Path dir;
  private Path disk;
  private DiskHeader header;
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void format() throws Exception {
    disk = dir.resolve("d.img");
    Files.write(disk, new byte[9 * 4096]);
    header =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION, UUID.randomUUID(), SET, "alpha", 4, SimCluster.TIMING);
    try (FileBlockDevice d = FileBlockDevice.open(disk, false)) {
      DiskFormatter.format(d, header, false);
      d.write(
          Layout.slotOffset(3),
          RecordCodec.encodeSlot(
              header.diskId(),
              new HeartbeatSlot(
                  3, 7, 100, SlotState.RUN, 0, true, 1, 1, List.of(1, 3), "test-host")));
    }
  }

  private FenceDevice device(PlugMapping plugs, Duration timeout) {
    return FenceDevice.builder("pill", PoisonPillAgent.NAME)
        .scope(FenceScope.VM)
        .option("devices", disk.toString())
        .option("cluster", "alpha")
        .plugs(plugs)
        .timeout(timeout)
        .build();
  }

  private AgentRequest request(FenceAction action, Duration timeout) {
    return AgentRequest.of(device(PlugMapping.none(), timeout), action).withPlug("3");
  }

  private void writeSlot(long sequence, SlotState state) throws Exception {
    try (FileBlockDevice d = FileBlockDevice.open(disk, false)) {
      d.write(
          Layout.slotOffset(3),
          RecordCodec.encodeSlot(
              header.diskId(),
              new HeartbeatSlot(3, 7, sequence, state, 0, true, 1, 1, List.of(1, 3), "test-host")));
    }
  }

  /**
   * The fake clock, where the target beats {@code beats} more times, once per sleep of the agent,
   * then falls silent.
   */
  private MonotonicClock targetBeating(int beats) {
    AtomicInteger left = new AtomicInteger(beats);
    AtomicInteger sequence = new AtomicInteger(100);
    MonotonicClock base = clock.view(0);
    return new MonotonicClock() {
      @Override
      public long nanoTime() {
        return base.nanoTime();
      }

      @Override
      public void sleep(Duration d) throws InterruptedException {
        base.sleep(d);
        if (left.getAndDecrement() > 0) {
          try {
            writeSlot(sequence.incrementAndGet(), SlotState.RUN);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
    };
  }

  private static Fencer fencer(PoisonPillAgent agent, FenceDevice device) {
    FenceTopology topology =
        FenceTopology.builder().device(device).level("node-3", FenceLevel.of(1, "pill")).build();
    return Fencer.builder(topology, FenceAgents.of(agent), FenceGuard.allowAllForTests())
        .deadline(Duration.ofSeconds(30))
        .maxAttempts(1)
        .build();
  }

  @Test
  void offThroughAFencerSucceedsOnceASilentSlotHasHadThePillForMsgwait() throws Exception {
    PoisonPillAgent agent = new PoisonPillAgent(clock.view(0));
    FenceDevice pill = device(PlugMapping.hostMap(Map.of("node-3", "3")), Duration.ofSeconds(5));
    long before = clock.view(0).nanoTime();
    FenceResult r =
        fencer(agent, pill).fence(FenceRequest.of("node-1", "node-3", FenceAction.OFF, "lost"));
    assertThat(r.status()).as(r.explanation()).isEqualTo(FenceResult.Status.SUCCEEDED);
    assertThat(r.reason()).isEqualTo(FenceReason.FENCED);
    assertThat(clock.view(0).nanoTime() - before)
        .isGreaterThanOrEqualTo(SimCluster.TIMING.msgwait().toNanos());
    StatusReport status = agent.status(AgentRequest.of(pill, FenceAction.STATUS).withPlug("3"));
    assertThat(status.power()).as(status.outcome().detail()).isEqualTo(PowerStatus.OFF);
  }

  @Test
  void aTargetThatBeatsOnceMoreBeforeReadingThePillIsOffMsgwaitAfterThatBeat() throws Exception {
    PoisonPillAgent agent = new PoisonPillAgent(targetBeating(1));
    long before = clock.view(0).nanoTime();
    FenceOutcome o = agent.perform(request(FenceAction.OFF, Duration.ofSeconds(5)));
    assertThat(o.succeeded()).as(o.detail()).isTrue();
    assertThat(clock.view(0).nanoTime() - before)
        .isGreaterThanOrEqualTo(
            SimCluster.TIMING.msgwait().plus(SimCluster.TIMING.interval()).toNanos());
    assertThat(agent.status(request(FenceAction.STATUS, Duration.ofSeconds(5))).power())
        .isEqualTo(PowerStatus.OFF);
  }

  @Test
  void aSlotThatStillAdvancesIsNeverReportedOffNotEvenThroughAFencer() throws Exception {
    PoisonPillAgent agent = new PoisonPillAgent(targetBeating(Integer.MAX_VALUE));
    FenceOutcome o = agent.perform(request(FenceAction.OFF, Duration.ofSeconds(2)));
    assertThat(o.succeeded()).isFalse();
    assertThat(o.detail()).contains("still advances").contains("not off");
    StatusReport s = agent.status(request(FenceAction.STATUS, Duration.ofSeconds(2)));
    assertThat(s.power()).isNotEqualTo(PowerStatus.OFF);

    writeSlot(1000, SlotState.RUN);
    FenceDevice pill = device(PlugMapping.hostMap(Map.of("node-3", "3")), Duration.ofSeconds(2));
    for (FenceAction action : List.of(FenceAction.OFF, FenceAction.REBOOT)) {
      FenceResult r =
          fencer(new PoisonPillAgent(targetBeating(Integer.MAX_VALUE)), pill)
              .fence(FenceRequest.of("node-1", "node-3", action, "lost"));
      assertThat(r.status())
          .as(action + ": " + r.explanation())
          .isNotEqualTo(FenceResult.Status.SUCCEEDED);
    }
  }

  @Test
  void aStoppedSlotIsOffWithoutWaitingAndSilenceWithoutAPillIsUnknown() throws Exception {
    PoisonPillAgent agent = new PoisonPillAgent(clock.view(0));
    assertThat(agent.status(request(FenceAction.STATUS, Duration.ofSeconds(5))).power())
        .as("silent, but nobody delivered a pill")
        .isEqualTo(PowerStatus.UNKNOWN);
    writeSlot(101, SlotState.STOPPED);
    long before = clock.view(0).nanoTime();
    FenceOutcome o = agent.perform(request(FenceAction.OFF, Duration.ofSeconds(5)));
    assertThat(o.succeeded()).as(o.detail()).isTrue();
    assertThat(o.detail()).contains("STOPPED");
    assertThat(clock.view(0).nanoTime() - before).isLessThan(SimCluster.TIMING.msgwait().toNanos());
    assertThat(agent.status(request(FenceAction.STATUS, Duration.ofSeconds(5))).power())
        .isEqualTo(PowerStatus.OFF);
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
