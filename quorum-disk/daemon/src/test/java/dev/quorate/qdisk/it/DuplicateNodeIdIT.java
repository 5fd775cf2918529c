package dev.quorate.qdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.DiskReader;
import dev.quorate.qdisk.internal.FileBlockDevice;
import dev.quorate.qdisk.it.Daemons.Event;
import dev.quorate.qdisk.it.Daemons.Result;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's duplicate-id mistake with real daemons on a file disk: a second process started
 * with a node id that already runs. Both must stop naming the slot, both incarnations and both
 * processes; the legitimate node, restarted, must count again; and a run that fails a local check
 * (its status port taken) must not have written its slot.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DuplicateNodeIdIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final List<String> EXIT = List.of("self-fence=exit");

  @TempDir Path dir;

  private static long count(Daemons d, int observer, String kind, int about) {
    return d.events(observer).stream()
        .filter(e -> e.kind().equals(kind) && e.node() == about)
        .count();
  }

  @Test
  void aSecondProcessWithARunningNodeIdStopsBothAndTheOwnerRestartsUp() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    try (Daemons d = new Daemons(dir)) {
      d.start(1, disk, 0);
      d.start(2, disk, 0);
      await().atMost(START).until(() -> d.logged(1, "NODE_UP", 2) && d.logged(2, "NODE_UP", 1));

      Result validate =
          Daemons.toolResult(dir, "validate", "-c", dir.resolve("node2.properties").toString());
      assertThat(validate.exit()).as(validate.output()).isEqualTo(4);
      assertThat(validate.output()).contains("slot 2 is active").contains("node.id=2 runs");

      Process owner = d.process(2);
      Process second = d.start("second2", 2, disk, 0, EXIT);
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second process stops").isTrue();
      String secondOut = Files.readString(d.output("second2"));
      assertThat(second.exitValue()).as(secondOut).isEqualTo(4);
      assertThat(secondOut)
          .contains("slot 2 has two writers")
          .contains("pid " + second.pid())
          .contains("pid " + owner.pid());

      assertThat(owner.waitFor(30, TimeUnit.SECONDS)).as("the running owner stops too").isTrue();
      assertThat(owner.exitValue()).isEqualTo(70);
      Event fence =
          d.events(2).stream().filter(e -> e.kind().equals("SELF_FENCE")).findFirst().orElseThrow();
      assertThat(fence.detail())
          .startsWith("DUPLICATE_NODE_ID: slot 2 has two writers")
          .contains("pid " + owner.pid())
          .contains("pid " + second.pid());

      long upsBefore = count(d, 1, "NODE_UP", 2);
      Process restarted = d.start(2, disk, 0);
      await().atMost(START).until(() -> count(d, 1, "NODE_UP", 2) > upsBefore);
      assertThat(restarted.isAlive()).isTrue();
    }
  }

  @Test
  void aRunWhoseStatusPortIsTakenWritesNothing() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    try (Daemons d = new Daemons(dir);
        ServerSocket taken = new ServerSocket(0)) {
      Process p = d.start(3, disk, taken.getLocalPort());
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(d.output("node3"));
      assertThat(p.exitValue()).as(out).isEqualTo(3);
      assertThat(out).contains("status.port " + taken.getLocalPort());
      try (FileBlockDevice f = FileBlockDevice.open(disk.get(0), true)) {
        HeartbeatSlot slot =
            DiskReader.readSlot(f, DiskReader.readHeader(f, "it"), 3).value().orElseThrow();
        assertThat(slot).isEqualTo(HeartbeatSlot.empty(3));
        assertThat(slot.state()).isEqualTo(SlotState.EMPTY);
      }
    }
  }
}
