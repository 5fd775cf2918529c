package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.SlotState;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quorate status --qdisk} on a real quorum-disk file where two engines heartbeat: node 1 is
 * master, then stops beating (its disk access dies, as when its VM is killed), and node 2 takes
 * over. Node 1's slot still says MASTER, as nobody else writes it; the command must show node 1
 * DOWN with what its slot last said, and node 2 as the master, in text and JSON alike. When node 2
 * dies too, both slots say MASTER and nobody is master.
 */
@Timeout(120)
class QuorumDiskStatusIT {
  /** Short, but within DiskTiming's safety relations; tko 8 x 250 ms = 2 s to DOWN. */
  private static final DiskTiming TIMING =
      new DiskTiming(
          Duration.ofMillis(250),
          8,
          2,
          Duration.ofMillis(200),
          Duration.ofMillis(1200),
          Duration.ofMillis(2000));

  @TempDir Path dir;

  @Test
  void aMasterThatStoppedBeatingIsShownDownWithWhatItsSlotLastSaid() throws Exception {
    Path file = dir.resolve("qdisk.img");
    Files.write(file, new byte[(1 + 2 * 4) * DiskHeader.BLOCK_SIZE]);
    DiskHeader header =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION, UUID.randomUUID(), UUID.randomUUID(), "alpha", 4, TIMING);
    try (BlockDevice device = BlockDevice.open(file)) {
      QuorumDisk.format(device, header, false);
    }
    BlockingQueue<SelfFenceReason> oneFenced = new LinkedBlockingQueue<>();
    BlockingQueue<SelfFenceReason> twoFenced = new LinkedBlockingQueue<>();
    Dying nodeOneDisk = new Dying(BlockDevice.open(file));
    Dying nodeTwoDisk = new Dying(BlockDevice.open(file));
    try (TestingServer server = new TestingServer(true);
        QuorumDisk one =
            QuorumDisk.builder(1, "alpha")
                .disk(nodeOneDisk)
                .selfFence(SelfFence.callback(oneFenced::offer))
                .build();
        QuorumDisk two =
            QuorumDisk.builder(2, "alpha")
                .disk(nodeTwoDisk)
                .selfFence(SelfFence.callback(twoFenced::offer))
                .build()) {
      one.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> one.status().state() == SlotState.MASTER);
      two.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(two::currentMaster, m -> m.equals(Optional.of(MemberId.of(1))));

      nodeOneDisk.die();
      await().atMost(Duration.ofSeconds(30)).until(() -> two.status().state() == SlotState.MASTER);
      assertThat(oneFenced.take()).as("node 1 fences itself").isNotNull();

      CliProcess.Result json = status(server, file, "--json");
      assertThat(json.out())
          .as("%s", json)
          .contains(
              "\"quorumDisk\":{\"path\":\""
                  + file
                  + "\",\"cluster\":\"alpha\",\"master\":2,"
                  + "\"tko\":8,\"slots\":[")
          .contains(
              "{\"node\":1,\"state\":\"DOWN\",\"lastWritten\":\"MASTER\",\"heartbeating\":false,")
          .contains(
              "{\"node\":2,\"state\":\"MASTER\",\"lastWritten\":\"MASTER\",\"heartbeating\":true,");

      CliProcess.Result text = status(server, file);
      assertThat(text.out())
          .as("%s", text)
          .contains("Quorum disk " + file + " (cluster alpha): master node 2\n")
          .containsPattern(
              "\n  node 1    DOWN     term \\d+ +sequence \\d+ .*"
                  + "  \\(silent for 8 intervals; last wrote MASTER\\)\n")
          .containsPattern("\n  node 2    MASTER   term \\d+ +sequence \\d+[^(\n]*\n");

      nodeTwoDisk.die();
      assertThat(twoFenced.take()).as("node 2 fences itself").isNotNull();
      CliProcess.Result none = status(server, file, "--json");
      assertThat(none.out())
          .as("%s", none)
          .contains("\"cluster\":\"alpha\",\"master\":null,")
          .contains(
              "{\"node\":1,\"state\":\"DOWN\",\"lastWritten\":\"MASTER\",\"heartbeating\":false,")
          .contains(
              "{\"node\":2,\"state\":\"DOWN\",\"lastWritten\":\"MASTER\",\"heartbeating\":false,");
    }
  }

  /** {@code quorate status --connect SERVER --qdisk FILE MORE...}. */
  private static CliProcess.Result status(TestingServer server, Path file, String... more)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of("status", "--connect", server.getConnectString(), "--qdisk", file.toString()));
    args.addAll(List.of(more));
    return CliProcess.run(args.toArray(String[]::new));
  }

  /** Node 1's disk, until its access dies: then every read and write fails. */
  private static final class Dying implements BlockDevice {
    private final BlockDevice disk;
    private volatile boolean dead;

    Dying(BlockDevice disk) {
      this.disk = disk;
    }

    void die() {
      dead = true;
    }

    private void check() throws IOException {
      if (dead) {
        throw new IOException(disk.name() + ": node 1's disk access died (the test killed it)");
      }
    }

    @Override
    public String name() {
      return disk.name();
    }

    @Override
    public long size() throws IOException {
      return disk.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
      check();
      disk.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
      check();
      disk.write(offset, src);
    }

    @Override
    public void close() throws IOException {
      disk.close();
    }
  }
}
