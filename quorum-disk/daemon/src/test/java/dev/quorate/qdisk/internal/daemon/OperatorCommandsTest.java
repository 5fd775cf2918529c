package dev.quorate.qdisk.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.DiskReader;
import dev.quorate.qdisk.internal.FileBlockDevice;
import dev.quorate.qdisk.internal.Layout;
import dev.quorate.qdisk.internal.RecordCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands on a formatted disk with no daemon running: help, status, message. */
@Timeout(30)
class OperatorCommandsTest {
  @TempDir Path dir;
  private Path disk;
  private String out;
  private String err;

  @BeforeEach
  void formatOne() throws Exception {
    disk = dir.resolve("qdisk.img");
    Files.write(disk, new byte[(1 + 2 * 4) * 4096]);
    assertThat(
            run(
                "format",
                "-d",
                disk.toString(),
                "--cluster",
                "alpha",
                "--slots",
                "4",
                "--interval",
                "0.2s",
                "--io-timeout",
                "150ms",
                "--renewal-deadline",
                "1.2s",
                "--tko",
                "10",
                "--msgwait",
                "1600ms"))
        .as(err)
        .isZero();
  }

  private int run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = QdiskCommand.execute(new PrintWriter(o, true), new PrintWriter(e, true), args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  @Test
  void everySubcommandAnswersHelpWithItsDefaults() {
    for (String command :
        List.of(
            "format", "run", "status", "dump", "message", "validate", "measure", "test-watchdog")) {
      assertThat(run(command, "--help")).as(command + " --help: " + err).isZero();
      assertThat(out).as(command).contains("Usage: qdisk " + command);
    }
    run("format", "--help");
    assertThat(out)
        .contains("--interval=<interval>")
        .contains("Default: 1s")
        .contains("Default: 16");
  }

  @Test
  void helpShowsNoDefaultForARequiredOrRepeatedOption() {
    run("message", "--help");
    assertThat(out)
        .contains("--slot=<slot>")
        .doesNotContain("Default: 0")
        .doesNotContain("Default: []");
    run("status", "--help");
    assertThat(out).contains("--disk=<disks>").doesNotContain("Default: []");
  }

  @Test
  void statusOfAnIdleDiskSaysNoVoteWithExitTwo() throws Exception {
    byte[] before = Files.readAllBytes(disk);
    assertThat(run("status", "-d", disk.toString(), "--cluster", "alpha")).as(err).isEqualTo(2);
    assertThat(out).contains("master: none").contains("health: NO_VOTE (exit 2)");

    assertThat(run("status", "-d", disk.toString(), "--json")).as(err).isEqualTo(2);
    assertThat(out).startsWith("{\"cluster\":\"alpha\",\"health\":\"NO_VOTE\",\"master\":0,");
    assertThat(Files.readAllBytes(disk)).isEqualTo(before);
  }

  @Test
  void statusNamesADiskOfAnotherCluster() {
    assertThat(run("status", "-d", disk.toString(), "--cluster", "beta")).isEqualTo(2);
    assertThat(out).contains("FAILED: belongs to cluster 'alpha', not 'beta'");
  }

  @Test
  void anUnknownOrMasterOnlyMessageTypeListsTheValidOnes() throws Exception {
    byte[] before = Files.readAllBytes(disk);
    assertThat(run("message", "-d", disk.toString(), "--cluster", "alpha", "--slot", "2", "kill"))
        .isEqualTo(2);
    assertThat(err)
        .contains("unknown message type 'kill': expected one of test, reset, off, clear");
    assertThat(run("message", "-d", disk.toString(), "--cluster", "alpha", "--slot", "2", "evict"))
        .isEqualTo(2);
    assertThat(err).contains("'evict' is written by the master only");
    assertThat(Files.readAllBytes(disk)).isEqualTo(before);
  }

  @Test
  void aMessageNeedsTheClusterAndARunningTarget() throws Exception {
    byte[] before = Files.readAllBytes(disk);
    assertThat(run("message", "-d", disk.toString(), "--slot", "2", "reset")).isEqualTo(3);
    assertThat(err).contains("message needs --cluster or --config");
    assertThat(run("message", "-d", disk.toString(), "--cluster", "beta", "--slot", "2", "reset"))
        .isEqualTo(4);
    assertThat(err).contains("belongs to cluster 'alpha', not 'beta'");
    assertThat(run("message", "-d", disk.toString(), "--cluster", "alpha", "--slot", "2", "reset"))
        .isEqualTo(4);
    assertThat(err)
        .contains("node 2 is not running (its slot is empty)")
        .contains("nobody would read a reset message; nothing written");
    assertThat(out).doesNotContain("delivered");
    assertThat(Files.readAllBytes(disk)).isEqualTo(before);

    writeSlot(new HeartbeatSlot(3, 4, 77, SlotState.RUN, 0, true, 0, 1, List.of(3), "test-host"));
    byte[] dead = Files.readAllBytes(disk);
    assertThat(run("message", "-d", disk.toString(), "--cluster", "alpha", "--slot", "3", "off"))
        .isEqualTo(4);
    assertThat(err).contains("node 3 is not running (slot RUN, not heartbeating)");
    assertThat(Files.readAllBytes(disk)).isEqualTo(dead);

    assertThat(run("message", "-d", disk.toString(), "--cluster", "alpha", "--slot", "2", "clear"))
        .as(err)
        .isZero();
    assertThat(out).contains("clear delivered to node 2");
  }

  @Test
  void minScoreWithoutHeuristicsOrAboveTheirSumIsAConfigError() throws Exception {
    Path noHeuristics =
        config("cluster.name=alpha", "node.id=1", "disks=" + disk, "heuristics.min-score=1");
    assertThat(run("validate", "--config-only", "-c", noHeuristics.toString())).isEqualTo(3);
    assertThat(err).contains("heuristics.min-score 1 is set but no heuristic is configured");

    Path unreachable =
        config(
            "cluster.name=alpha",
            "node.id=1",
            "disks=" + disk,
            "heuristic.gw.tcp=127.0.0.1:22",
            "heuristic.gw.score=2",
            "heuristic.ping.command=true",
            "heuristic.ping.score=1",
            "heuristics.min-score=4");
    assertThat(run("validate", "--config-only", "-c", unreachable.toString())).isEqualTo(3);
    assertThat(err)
        .contains("heuristics.min-score 4 is above the sum of the heuristics' scores (3)")
        .contains("use at most 3");
  }

  @Test
  void durationsTakeDecimalsButNotFractionsOfAMillisecond() {
    assertThat(DaemonConfig.duration("t", "--interval", "1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DaemonConfig.duration("t", "--interval", "0.25m")).isEqualTo(Duration.ofSeconds(15));
    assertThat(run("format", "-d", disk.toString(), "--cluster", "alpha", "--interval", "1.0005s"))
        .isEqualTo(3);
    assertThat(err).contains("--interval '1.0005s' is not a whole number of milliseconds");
  }

  private void writeSlot(HeartbeatSlot slot) throws Exception {
    try (FileBlockDevice d = FileBlockDevice.open(disk, false)) {
      DiskHeader h = DiskReader.readHeader(d, "alpha");
      d.write(Layout.slotOffset(slot.nodeId()), RecordCodec.encodeSlot(h.diskId(), slot));
    }
  }

  private Path config(String... lines) throws Exception {
    Path c = dir.resolve("qdisk-" + System.nanoTime() + ".properties");
    Files.write(c, List.of(lines));
    return c;
  }
}
