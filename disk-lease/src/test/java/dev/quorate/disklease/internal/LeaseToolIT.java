package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseFiles;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.quorum.SelfFence;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LeaseTool format} and {@code status} on real files, with a live host in this JVM: format
 * refuses an area whose hosts renew, and foreign data, unless forced; status shows hosts and
 * resource slots; wrong command lines exit 64 naming what is wrong.
 */
@Timeout(60)
class LeaseToolIT {
  // 250 ms as in HostFailureIT: shorter, a loaded machine makes the live host miss its deadline.
  private static final LeaseTiming FAST = LeaseTiming.forIoTimeout(Duration.ofMillis(250));

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int tool(String... args) {
    out.reset();
    err.reset();
    int status =
        new LeaseTool(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(List.of(args));
    System.out.print(out.toString(StandardCharsets.UTF_8));
    System.out.print(err.toString(StandardCharsets.UTF_8));
    return status;
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private List<Path> blankDisks(int count, long bytes) throws Exception {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path p = dir.resolve("disk-" + i);
      try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
        f.setLength(bytes);
      }
      paths.add(p);
    }
    return paths;
  }

  private static String joined(List<Path> paths) {
    return String.join(",", paths.stream().map(Path::toString).toList());
  }

  @Test
  void formatRefusesAnAreaWithALiveHostUnlessForcedAndStatusShowsItsLease() throws Exception {
    LeaseArea area = LeaseArea.create(4, 8, FAST);
    List<Path> disks = LeaseFiles.in(dir, 3, area);
    String paths = joined(disks);
    try (LockManager host =
        DiskLocks.open(disks, 3, "node-c", SelfFence.callback(r -> {}), MonotonicClock.system())) {
      Lease lease = host.lock("vm/web-1").acquire(LockMode.EX);

      assertThat(tool("status", "--disks", paths, "--resource", "vm/web-1")).isZero();
      int slot = SlotNames.slotOf("vm/web-1", 8);
      assertThat(out())
          .contains("lease area " + area.areaId())
          .containsPattern("3 +live +node-c +1 ")
          .containsPattern(
              slot
                  + " +"
                  + lease.token().major()
                  + " +exclusive +host 3 generation 1 \\(host live\\)")
          .contains(
              "resource vm/web-1: slot " + slot + ", exclusive, lver " + lease.token().major());

      assertThat(tool("format", "--disks", paths, "--hosts", "4", "--slots", "8"))
          .isEqualTo(LeaseTool.REFUSED);
      assertThat(err()).contains("host id 3 'node-c'").contains("it is live");
      assertThat(LeaseArea.read(dev.quorate.qdisk.BlockDevice.openReadOnly(disks.get(0))))
          .as("nothing written")
          .isEqualTo(area);

      assertThat(tool("format", "--disks", paths, "--hosts", "4", "--slots", "8", "--force"))
          .isZero();
      assertThat(err()).contains("--force overrides: host id 3");
      lease.release();
    }
  }

  @Test
  void formatAcceptsAnAreaWhoseHostsAreGoneAndRefusesForeignData() throws Exception {
    LeaseArea area = LeaseArea.create(4, 8, FAST);
    List<Path> disks = LeaseFiles.in(dir, 1, area);
    try (LockManager host =
        DiskLocks.open(disks, 1, "node-a", SelfFence.callback(r -> {}), MonotonicClock.system())) {
      host.lock("vm/db").acquire(LockMode.PR).release();
    }
    assertThat(tool("status", "--disks", joined(disks))).isZero();
    assertThat(out()).containsPattern("1 +released +node-a");
    assertThat(tool("format", "--disks", joined(disks), "--hosts", "2", "--slots", "4")).isZero();
    assertThat(out()).contains("2 host ids, 4 resource slots");

    Path foreign = dir.resolve("foreign");
    Files.write(foreign, new byte[(int) area.sizeBytes()]);
    try (RandomAccessFile f = new RandomAccessFile(foreign.toFile(), "rw")) {
      f.write("an ext4 superblock, say".getBytes(StandardCharsets.US_ASCII));
    }
    assertThat(tool("format", "--disks", foreign.toString(), "--hosts", "4", "--slots", "8"))
        .isEqualTo(LeaseTool.REFUSED);
    assertThat(err()).contains(foreign + " holds data that is no lease area");
    assertThat(
            tool(
                "format", "--disks", foreign.toString(), "--hosts", "4", "--slots", "8", "--force"))
        .isZero();
  }

  @Test
  void wrongCommandLinesExit64NamingWhatIsWrong() throws Exception {
    List<Path> two = blankDisks(2, 4096);
    assertThat(tool("format", "--disks", joined(two))).isEqualTo(LeaseTool.USAGE);
    assertThat(err()).contains("--disks names 2 disk(s)").contains("give 1, 3 or 5");
    assertThat(tool("status", "--disk", "x")).isEqualTo(LeaseTool.USAGE);
    assertThat(err()).contains("unknown option '--disk'").contains("--disks");
    assertThat(tool("run", "--disks", "x", "--host-id", "two")).isEqualTo(LeaseTool.USAGE);
    assertThat(err()).contains("--host-id 'two' is not a whole number");
    assertThat(tool("format", "--disks", "x", "--io-timeout", "1h")).isEqualTo(LeaseTool.USAGE);
    assertThat(err()).contains("--io-timeout '1h' is not a duration");
    assertThat(tool("dump")).isEqualTo(LeaseTool.USAGE);
    assertThat(err()).contains("unknown command 'dump'");

    List<Path> small = blankDisks(1, 4096);
    assertThat(tool("format", "--disks", joined(small))).isEqualTo(LeaseTool.FAILED);
    assertThat(err()).contains("has 4096 bytes but the lease area of 16 hosts");
    assertThat(tool("status", "--disks", joined(small))).isEqualTo(LeaseTool.FAILED);
    assertThat(err()).contains("holds no lease area header");
  }
}
