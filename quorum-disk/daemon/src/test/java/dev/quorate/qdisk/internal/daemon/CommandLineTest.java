package dev.quorate.qdisk.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.DiskReader;
import dev.quorate.qdisk.internal.FileBlockDevice;
import dev.quorate.qdisk.internal.Layout;
import dev.quorate.qdisk.internal.RecordCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input: a clear message, a non-zero exit, and not one byte written. */
@Timeout(30)
class CommandLineTest {
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
                "200ms",
                "--io-timeout",
                "150ms",
                "--renewal-deadline",
                "1200ms",
                "--tko",
                "10",
                "--msgwait",
                "1600ms"))
        .isZero();
    assertThat(out).contains("formatted");
  }

  private int run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = QdiskCommand.execute(new PrintWriter(o, true), new PrintWriter(e, true), args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  private void assertRefusedUnchanged(Path file, int expected, String message, String... args)
      throws Exception {
    byte[] before = Files.readAllBytes(file);
    int code = run(args);
    assertThat(code).as(err).isEqualTo(expected);
    assertThat(err).contains(message);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  private Path config(String... lines) throws Exception {
    Path c = dir.resolve("qdisk-" + System.nanoTime() + ".properties");
    Files.write(c, List.of(lines));
    return c;
  }

  @Test
  void dumpNamesTheDiskSetInTextAndJson() throws Exception {
    String formatted = out;
    String set = formatted.replaceFirst("(?s).* of set ([0-9a-f-]{36}).*", "$1");
    assertThat(set).as(formatted).hasSize(36);
    assertThat(run("dump", "-d", disk.toString())).as(err).isZero();
    assertThat(out).contains(" of set " + set + ", version 2");
    assertThat(run("dump", "-d", disk.toString(), "--json")).as(err).isZero();
    assertThat(out).contains("\"setId\":\"" + set + "\"");
  }

  @Test
  void dumpAndStatusAndValidateWorkOnAGoodDisk() throws Exception {
    assertThat(run("dump", "-d", disk.toString())).isZero();
    assertThat(out)
        .contains("cluster alpha")
        .contains("EMPTY")
        .contains(
            "timing: interval 200 ms, tko 10, tko-up 2, io timeout 150 ms, renewal deadline 1200"
                + " ms, msgwait 1600 ms");
    assertThat(run("dump", "-d", disk.toString(), "--json")).isZero();
    assertThat(out).startsWith("[{\"device\"").contains("\"cluster\":\"alpha\"");
    Path cfg = config("cluster.name=alpha", "node.id=2", "disks=" + disk);
    assertThat(run("validate", "-c", cfg.toString())).as(err).isZero();
    assertThat(out).contains("detection 2000 ms");
    // Only clear goes to a slot nobody heartbeats in (OperatorCommandsTest: test, reset, off).
    assertThat(run("message", "-c", cfg.toString(), "--slot", "3", "clear")).as(err).isZero();
    assertThat(out).contains("clear delivered to node 3");
  }

  @Test
  void aMessageGoesToTheUsableDisksWhileOneOfThreeFails() throws Exception {
    // Regression: one short disk refused the whole message, so no poison pill could be sent.
    List<String> disks = new java.util.ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Path p = dir.resolve("set" + i + ".img");
      Files.write(p, new byte[(1 + 2 * 4) * 4096]);
      disks.add(p.toString());
    }
    assertThat(
            run(
                "format",
                "-d",
                disks.get(0),
                "-d",
                disks.get(1),
                "-d",
                disks.get(2),
                "--cluster",
                "alpha",
                "--slots",
                "4"))
        .as(err)
        .isZero();
    Path failing = Path.of(disks.get(2));
    Files.write(failing, java.util.Arrays.copyOf(Files.readAllBytes(failing), 5 * 4096));
    String[] message = {
      "message",
      "-d",
      disks.get(0),
      "-d",
      disks.get(1),
      "-d",
      disks.get(2),
      "--cluster",
      "alpha",
      "--slot",
      "3",
      "clear"
    };

    assertThat(run(message)).as(err).isZero();
    assertThat(out).contains("clear delivered to node 3 (incarnation 0) on 2 of 3 disks");
    assertThat(err).contains("warning: left out: " + failing).contains("shorter than the layout");

    Files.write(Path.of(disks.get(1)), new byte[(1 + 2 * 4) * 4096]); // a second one wiped
    assertRefusedUnchanged(
        Path.of(disks.get(0)), 4, "only 1 of 3 disks are usable, a majority is needed", message);
  }

  @Test
  void anAllZeroDiskIsRefused() throws Exception {
    Path zero = dir.resolve("zero.img");
    Files.write(zero, new byte[9 * 4096]);
    assertRefusedUnchanged(zero, 4, "not formatted", "dump", "-d", zero.toString());
    Path cfg = config("cluster.name=alpha", "node.id=1", "disks=" + zero);
    assertRefusedUnchanged(zero, 4, "all zeros", "validate", "-c", cfg.toString());
  }

  @Test
  void wrongMagicVersionAndClusterAreRefused() throws Exception {
    Path cfg = config("cluster.name=beta", "node.id=1", "disks=" + disk);
    assertRefusedUnchanged(
        disk, 4, "belongs to cluster 'alpha', not 'beta'", "validate", "-c", cfg.toString());
    assertRefusedUnchanged(
        disk,
        4,
        "belongs to cluster 'alpha'",
        "message",
        "-c",
        cfg.toString(),
        "--slot",
        "1",
        "reset");

    Path bad = dir.resolve("magic.img");
    Files.copy(disk, bad);
    byte[] image = Files.readAllBytes(bad);
    image[0] = 'X';
    Files.write(bad, image);
    assertRefusedUnchanged(
        bad, 4, "not a Quorate quorum disk record", "dump", "-d", bad.toString());

    Path v9 = dir.resolve("version.img");
    Files.copy(disk, v9);
    try (FileBlockDevice d = FileBlockDevice.open(v9, false)) {
      ByteBuffer h = ByteBuffer.allocate(4096);
      d.read(0, h);
      h.putInt(8, 9);
      CrcFix.reseal(h);
      d.write(0, h.clear());
    }
    assertRefusedUnchanged(
        v9, 4, "format version 9; this build reads version 2 only", "dump", "-d", v9.toString());
  }

  @Test
  void aDeviceShorterThanTheLayoutIsRefused() throws Exception {
    Path small = dir.resolve("small.img");
    Files.write(small, new byte[3 * 4096]);
    assertRefusedUnchanged(
        small,
        3,
        "shorter than the layout of 4 slots needs (36864 bytes)",
        "format",
        "-d",
        small.toString(),
        "--cluster",
        "alpha",
        "--slots",
        "4");
    Path truncated = dir.resolve("truncated.img");
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(disk), 5 * 4096));
    assertRefusedUnchanged(
        truncated, 4, "shorter than the layout", "dump", "-d", truncated.toString());
  }

  @Test
  void aSlotOutOfRangeIsRefused() throws Exception {
    Path cfg = config("cluster.name=alpha", "node.id=9", "disks=" + disk);
    assertRefusedUnchanged(disk, 3, "node id 9 is out of range", "validate", "-c", cfg.toString());
    assertRefusedUnchanged(
        disk,
        3,
        "node id 7 is out of range",
        "message",
        "-d",
        disk.toString(),
        "--cluster",
        "alpha",
        "--slot",
        "7",
        "off");
  }

  @Test
  void aSequenceAtItsMaximumIsRefusedByRun() throws Exception {
    try (FileBlockDevice d = FileBlockDevice.open(disk, false)) {
      var h = DiskReader.readHeader(d, "alpha");
      d.write(
          Layout.slotOffset(2),
          RecordCodec.encodeSlot(
              h.diskId(),
              new HeartbeatSlot(
                  2, 3, Long.MAX_VALUE, SlotState.RUN, 0, true, 0, 0, List.of(), "test-host")));
    }
    Path cfg = config("cluster.name=alpha", "node.id=2", "disks=" + disk);
    assertRefusedUnchanged(disk, 4, "sequence at its maximum", "run", "-c", cfg.toString());
  }

  @Test
  void malformedConfigsAreRefusedNamingTheLineAndKey() throws Exception {
    assertRefusedUnchanged(
        disk,
        3,
        "line 2: expected key=value, got 'node.id 1'",
        "validate",
        "-c",
        config("cluster.name=alpha", "node.id 1", "disks=" + disk).toString());
    assertRefusedUnchanged(
        disk,
        3,
        "unknown key 'node.idd'",
        "validate",
        "-c",
        config("cluster.name=alpha", "node.idd=1", "disks=" + disk).toString());
    assertRefusedUnchanged(
        disk,
        3,
        "node.id 'one' must be an integer from 1 to 255",
        "validate",
        "-c",
        config("cluster.name=alpha", "node.id=one", "disks=" + disk).toString());
    assertRefusedUnchanged(
        disk,
        3,
        "required key 'disks' is missing",
        "validate",
        "-c",
        config("cluster.name=alpha", "node.id=1").toString());
    assertRefusedUnchanged(
        disk,
        3,
        "2 disks configured: use 1, 3 or 5",
        "validate",
        "-c",
        config("cluster.name=alpha", "node.id=1", "disks=" + disk + "," + disk).toString());
    assertRefusedUnchanged(
        disk,
        3,
        "timeout '3 seconds' is not a duration",
        "validate",
        "-c",
        config(
                "cluster.name=alpha",
                "node.id=1",
                "disks=" + disk,
                "heuristic.gw.tcp=127.0.0.1:22",
                "heuristic.gw.timeout=3 seconds")
            .toString());
  }

  @Test
  void unknownOptionsAndUnsafeTimingAreRefused() throws Exception {
    assertRefusedUnchanged(
        disk, 2, "Unknown option: '--bogus'", "dump", "-d", disk.toString(), "--bogus");
    assertRefusedUnchanged(disk, 2, "Unknown option", "--frobnicate");
    assertRefusedUnchanged(
        disk,
        3,
        "exceeds tko x interval",
        "format",
        "-d",
        disk.toString(),
        "--cluster",
        "alpha",
        "--slots",
        "4",
        "--renewal-deadline",
        "5s");
    assertRefusedUnchanged(
        disk,
        4,
        "quorum disk of cluster 'alpha'",
        "format",
        "-d",
        disk.toString(),
        "--cluster",
        "beta",
        "--slots",
        "4");
  }
}
