package dev.quorate.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code disk-lease}: the disk lock manager under faults, a fenced run and a control run. */
@Command(
    name = "disk-lease",
    description =
        "Runs 3 disk-lease hosts on 1 or 3 lease disk files and a fenced counter as processes; "
            + "pauses and kills holders, tears, loses and stalls writes on one disk, loses one of "
            + "three disks, starts a second host with a live host's id; then checks the histories. "
            + "Exit 0 only if the fenced run has no violation and the control run shows overlaps.")
final class DiskLeaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RunOptions run;

  @Option(names = "--disks", description = "Lease disks: 1 or 3 (default 3).")
  int disks = 3;

  @Option(
      names = "--io-timeout",
      converter = DurationConverter.class,
      description = "The lease area's io_timeout (default 250ms: host_expiry 1.75 s).")
  Duration ioTimeout = Duration.ofMillis(250);

  @Option(
      names = "--control-minutes",
      description = "Minutes of faults in the control run (default 1; 0 skips it).")
  double controlMinutes = 1;

  @Option(
      names = "--gap",
      converter = DurationConverter.class,
      description = "Quiet time after each fault (default 2s).")
  Duration gap = Duration.ofSeconds(2);

  @Override
  public Integer call() throws Exception {
    if (disks != 1 && disks != 3) {
      throw new ParameterException(spec.commandLine(), "--disks must be 1 or 3, got " + disks);
    }
    Path root = run.newRunDirectory("quorate-disk-lease-chaos-", controlMinutes);
    long s = run.seed();
    System.out.println("run directory " + root + ", seed " + s);
    Outcome o = runBoth(root, run.minutes, controlMinutes, disks, ioTimeout, gap, s, faults(disks));
    return RunOptions.report(root, o.text(), o.passed());
  }

  /**
   * Every disk-lease fault. Losing a disk needs three; lost writes too: a single disk that
   * acknowledges writes it drops defeats every storage lease (sanlock's too), since renewals then
   * stop reaching the others while the holder believes them done; with three disks the other two
   * still carry every write.
   */
  static List<Fault> faults(int disks) {
    List<Fault> all =
        new ArrayList<>(
            List.of(
                Fault.PAUSE_HOLDER,
                Fault.KILL_HOLDER,
                Fault.TORN_WRITES,
                Fault.STALLED_WRITES,
                Fault.DUPLICATE_HOST_ID));
    if (disks == 3) {
      all.add(Fault.LOSE_DISK);
      all.add(Fault.LOST_WRITES);
    }
    return all;
  }

  /** The text of both reports, whether the suite passed, and both results. */
  record Outcome(String text, boolean passed, CheckResult fenced, CheckResult control) {}

  static Outcome runBoth(
      Path root,
      double minutes,
      double controlMinutes,
      int disks,
      Duration ioTimeout,
      Duration gap,
      long seed,
      List<Fault> faults)
      throws Exception {
    long started = System.nanoTime();
    StringBuilder text = new StringBuilder();
    DiskRunSettings fencedRun =
        new DiskRunSettings(
            Duration.ofMillis(Math.round(minutes * 60_000)),
            true,
            faults,
            disks,
            ioTimeout,
            gap,
            3,
            seed);
    CheckResult fenced = runOne(root.resolve("fenced"), fencedRun);
    text.append(fencedRun.describe()).append('\n').append(Report.render("fenced run", fenced));
    boolean passed = fenced.passed();
    CheckResult control = null;
    if (controlMinutes > 0) {
      DiskRunSettings controlRun =
          new DiskRunSettings(
              Duration.ofMillis(Math.round(controlMinutes * 60_000)),
              false,
              List.of(Fault.PAUSE_HOLDER),
              disks,
              ioTimeout,
              gap,
              3,
              seed + 1);
      control = runOne(root.resolve("control"), controlRun);
      passed &= Report.appendControl(text, controlRun.describe(), control);
    }
    text.append(Report.closing(started, passed));
    return new Outcome(text.toString(), passed, fenced, control);
  }

  /** Runs and checks one run: the {@link Checker}'s invariants, and every duplicate refused. */
  static CheckResult runOne(Path dir, DiskRunSettings settings) throws Exception {
    new DiskLeaseHarness(dir, settings).run();
    CheckResult r = Checker.check(RunRecord.read(dir));
    List<String> violations = new ArrayList<>(r.violations());
    Path duplicates = dir.resolve("duplicates.log");
    if (Files.exists(duplicates)) {
      for (String line : Files.readAllLines(duplicates, StandardCharsets.UTF_8)) {
        if (!line.split(" ")[1].equals("refused")) {
          violations.add("a second host with a live host's id was not refused: " + line);
        }
      }
    }
    return new CheckResult(
        r.fenced(),
        r.grants(),
        r.acknowledged(),
        r.staleRefused(),
        r.overlaps(),
        r.faults(),
        r.faultsWithoutEffect(),
        r.recoveryMillis(),
        List.copyOf(violations));
  }
}
