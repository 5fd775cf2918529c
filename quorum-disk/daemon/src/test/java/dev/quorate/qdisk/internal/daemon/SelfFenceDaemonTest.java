package dev.quorate.qdisk.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's self-fence ends in one exit status, the shipped systemd unit never restarts on it,
 * and a watchdog whose timeout the disk's timing cannot cover is refused before anything is
 * written. The watchdog is a stand-in here (a file and a fake sysfs directory): this machine has no
 * /dev/watchdog.
 */
@Timeout(30)
class SelfFenceDaemonTest {
  /** The unit file as shipped; the module's tests run in the module's directory. */
  static final Path UNIT = Path.of("..", "..", "docs", "quorum-disk", "quorate-qdisk.service");

  @TempDir Path dir;
  private Path disk;
  private Path device;
  private Path sysfs;
  private String err;

  @BeforeEach
  void formatOne() throws Exception {
    disk = dir.resolve("qdisk.img");
    device = dir.resolve("watchdog");
    sysfs = Files.createDirectory(dir.resolve("sysfs"));
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
        .as(err)
        .isZero();
  }

  private int run(String... args) {
    StringWriter e = new StringWriter();
    int code =
        QdiskCommand.execute(
            new PrintWriter(new StringWriter(), true), new PrintWriter(e, true), args);
    err = e.toString();
    return code;
  }

  private Path config(String... extra) throws Exception {
    Path c = dir.resolve("qdisk-" + System.nanoTime() + ".properties");
    List<String> lines =
        new java.util.ArrayList<>(List.of("cluster.name=alpha", "node.id=1", "disks=" + disk));
    lines.addAll(Arrays.asList(extra));
    Files.write(c, lines);
    return c;
  }

  private static List<Integer> unitStatuses(String key) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^\\s*" + key + "\\s*=\\s*(.*)$").matcher(Files.readString(UNIT));
    List<Integer> out = new java.util.ArrayList<>();
    while (m.find()) {
      for (String s : m.group(1).strip().split("\\s+")) {
        if (s.matches("\\d+")) {
          out.add(Integer.parseInt(s));
        }
      }
    }
    return out;
  }

  @Test
  void theShippedUnitNeverRestartsOnTheSelfFenceStatus() throws Exception {
    assertThat(UNIT).exists();
    assertThat(unitStatuses("RestartPreventExitStatus"))
        .as("RestartPreventExitStatus in %s must name SelfFence.EXIT_STATUS", UNIT)
        .contains(SelfFence.EXIT_STATUS);
    assertThat(unitStatuses("RestartPreventExitStatus"))
        .as("a node refused as a duplicate id (a disk refusal) must not be restarted into the slot")
        .contains(QdiskCommand.exitCode(new QuorateException(ErrorCode.REFUSED, "duplicate")));
    assertThat(unitStatuses("SuccessExitStatus"))
        .as("a self-fence must not count as a clean stop")
        .doesNotContain(SelfFence.EXIT_STATUS);
    assertThat(Files.readString(UNIT)).contains("validate -c");
  }

  @Test
  void theShippedExampleConfigIsValid() {
    assertThat(
            run(
                "validate",
                "--config-only",
                "-c",
                UNIT.resolveSibling("qdisk.properties").toString()))
        .as(err)
        .isZero();
  }

  @Test
  void theDaemonDocumentsTheSameStatus() {
    StringWriter o = new StringWriter();
    QdiskCommand.execute(new PrintWriter(o, true), new PrintWriter(new StringWriter()), "--help");
    assertThat(o.toString()).contains(" " + SelfFence.EXIT_STATUS + "   this node fenced itself");
  }

  @Test
  void anyOtherSelfFenceExitCodeIsRefusedNamingIt() throws Exception {
    assertThat(run("validate", "--config-only", "-c", config("self-fence.exit-code=71").toString()))
        .isEqualTo(3);
    assertThat(err)
        .contains("self-fence.exit-code '71' is not accepted: every self-fence exits 70");
    assertThat(run("validate", "--config-only", "-c", config("self-fence.exit-code=70").toString()))
        .as(err)
        .isZero();
    assertThat(run("validate", "--config-only", "-c", config("watchdog.timeout=3s").toString()))
        .isEqualTo(3);
    assertThat(err).contains("watchdog.timeout needs watchdog.device");
  }

  @Test
  void aWatchdogTimeoutTheRenewalDeadlineCannotCoverIsRefusedBeforeAnythingIsWritten()
      throws Exception {
    Files.writeString(sysfs.resolve("timeout"), "60\n");
    Path cfg =
        config("self-fence=watchdog", "watchdog.device=" + device, "watchdog.sysfs=" + sysfs);
    byte[] before = Files.readAllBytes(disk);
    assertThat(run("validate", "-c", cfg.toString())).isEqualTo(3);
    assertThat(err).contains("60000 ms exceeds renewal_deadline 1200 ms");
    assertThat(run("run", "-c", cfg.toString())).isEqualTo(3);
    assertThat(err).contains("60000 ms exceeds renewal_deadline 1200 ms");
    assertThat(Files.readAllBytes(disk)).isEqualTo(before);
    assertThat(device).as("the watchdog was never opened, so never armed").doesNotExist();

    Files.writeString(sysfs.resolve("timeout"), "1\n");
    assertThat(run("validate", "-c", cfg.toString())).as(err).isZero();
  }

  @Test
  void testWatchdogNeedsConfirmationAndOpensNothingWithout() {
    assertThat(run("test-watchdog", "--device", device.toString(), "--sysfs", sysfs.toString()))
        .isEqualTo(2);
    assertThat(err).contains("resets this machine").contains("--confirm-reset");
    assertThat(device).doesNotExist();
  }

  @Test
  void aSelfFenceActionThatReturnsOrThrowsStillEndsInTheOneStatus() {
    List<Integer> halts = new CopyOnWriteArrayList<>();
    new HaltingSelfFence((reason, detail) -> {}, halts::add)
        .fence(SelfFenceReason.EVICTED, "returns");
    assertThatThrownBy(
            () ->
                new HaltingSelfFence(
                        (reason, detail) -> {
                          throw new IllegalStateException("broken action");
                        },
                        halts::add)
                    .fence(SelfFenceReason.EVICTED, "throws"))
        .hasMessage("broken action");
    assertThat(halts).containsExactly(SelfFence.EXIT_STATUS, SelfFence.EXIT_STATUS);
  }
}
