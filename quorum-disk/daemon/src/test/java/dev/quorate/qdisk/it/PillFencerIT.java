package dev.quorate.qdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.fence.FenceAction;
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
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.internal.DiskReader;
import dev.quorate.qdisk.internal.FileBlockDevice;
import dev.quorate.qdisk.internal.PoisonPillAgent;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poison pill through a real {@link Fencer}: the agent found by {@link FenceAgents#load()}, the
 * quorum-disk daemons as separate JVMs on shared files. OFF and REBOOT succeed once the victim's
 * slot has been silent for msgwait after the pill was read back, on one disk and on three, through
 * one device and through a level of two; the victim exits with the self-fence status.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PillFencerIT {
  private static final Duration START = Duration.ofSeconds(40);
  private static final Duration MSGWAIT = Duration.ofMillis(3000);

  @TempDir Path dir;

  private static FenceDevice pill(String name, List<Path> disks) {
    return FenceDevice.builder(name, PoisonPillAgent.NAME)
        .scope(FenceScope.VM)
        .option("devices", String.join(",", disks.stream().map(Path::toString).toList()))
        .option("cluster", "it")
        .plugs(PlugMapping.hostMap(Map.of("node-1", "1", "node-2", "2", "node-3", "3")))
        .timeout(Duration.ofSeconds(15))
        .build();
  }

  /** Every target fenced by one level made of {@code devices} pill devices over {@code disks}. */
  private static Fencer fencer(List<Path> disks, int devices) {
    FenceTopology.Builder t = FenceTopology.builder();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      names.add("pill-" + i);
      t.device(pill("pill-" + i, disks));
    }
    for (String target : List.of("node-1", "node-2", "node-3")) {
      t.level(target, FenceLevel.of(1, names.toArray(String[]::new)));
    }
    return Fencer.builder(t.build(), FenceAgents.load(), FenceGuard.allowAllForTests())
        .deadline(Duration.ofSeconds(60))
        .maxAttempts(1)
        .build();
  }

  private static void awaitAllUp(Daemons d) {
    await()
        .atMost(START)
        .until(
            () ->
                d.logged(1, "NODE_UP", 2)
                    && d.logged(1, "NODE_UP", 3)
                    && d.logged(2, "NODE_UP", 1)
                    && d.logged(3, "NODE_UP", 1));
  }

  private static HeartbeatSlot slot(Path disk, int node) throws Exception {
    try (FileBlockDevice dev = FileBlockDevice.open(disk, true)) {
      return DiskReader.readSlot(dev, DiskReader.readHeader(dev, "it"), node).value().orElseThrow();
    }
  }

  private static void assertFencedBySilence(FenceResult r, Process victim) throws Exception {
    assertThat(r.status()).as(r.explanation()).isEqualTo(FenceResult.Status.SUCCEEDED);
    assertThat(r.reason()).isEqualTo(FenceReason.FENCED);
    assertThat(r.elapsed()).isGreaterThanOrEqualTo(MSGWAIT);
    assertThat(victim.waitFor(15, TimeUnit.SECONDS)).as("the victim exits").isTrue();
    assertThat(victim.exitValue()).isEqualTo(SelfFence.EXIT_STATUS);
    System.out.printf(
        "MEASURED %s %s in %d ms: %s%n",
        r.request().action(),
        r.request().target(),
        r.elapsed().toMillis(),
        r.outcomes().stream().map(FenceOutcome::detail).toList());
  }

  @Test
  void offOnOneDiskIsVerifiedOffAndTheVictimExitsFenced() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    try (Daemons d = new Daemons(dir)) {
      for (int n = 1; n <= 3; n++) {
        d.start(n, disk, 0);
      }
      awaitAllUp(d);
      FenceResult r =
          fencer(disk, 1).fence(FenceRequest.of("node-1", "node-2", FenceAction.OFF, "test"));
      assertFencedBySilence(r, d.process(2));
      assertThat(r.outcomes())
          .anyMatch(o -> o.action() == FenceAction.STATUS && o.exitCode() == 2)
          .as("the status after the off said off");
      assertThat(d.process(1).isAlive() && d.process(3).isAlive()).isTrue();
    }
  }

  @Test
  void offThroughOneDeviceAndRebootThroughALevelOfTwoOnThreeDisks() throws Exception {
    List<Path> disks = Daemons.format(dir, 3);
    try (Daemons d = new Daemons(dir)) {
      for (int n = 1; n <= 3; n++) {
        d.start(n, disks, 0);
      }
      awaitAllUp(d);
      assertFencedBySilence(
          fencer(disks, 1).fence(FenceRequest.of("node-1", "node-3", FenceAction.OFF, "test")),
          d.process(3));
      // Two devices: all off, verify, then all on (CLEAR), as for any multi-device reboot.
      FenceResult reboot =
          fencer(disks, 2).fence(FenceRequest.of("node-1", "node-2", FenceAction.REBOOT, "test"));
      assertFencedBySilence(reboot, d.process(2));
      assertThat(reboot.explanation()).contains("powered on again");
      assertThat(d.process(1).isAlive()).isTrue();
    }
  }

  @Test
  void aPausedVictimIsOffAfterMsgwaitAndFencesItselfOnResumeWithoutWriting() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    try (Daemons d = new Daemons(dir)) {
      for (int n = 1; n <= 3; n++) {
        d.start(n, disk, 0);
      }
      awaitAllUp(d);
      d.signal(3, "STOP");
      FenceResult r =
          fencer(disk, 1).fence(FenceRequest.of("node-1", "node-3", FenceAction.OFF, "test"));
      assertThat(r.status()).as(r.explanation()).isEqualTo(FenceResult.Status.SUCCEEDED);
      long sequence = slot(disk.get(0), 3).sequence();
      d.signal(3, "CONT");
      assertThat(d.process(3).waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(d.process(3).exitValue()).isEqualTo(SelfFence.EXIT_STATUS);
      assertThat(slot(disk.get(0), 3).sequence())
          .as("the resumed victim wrote nothing after it was reported off")
          .isEqualTo(sequence);
    }
  }
}
