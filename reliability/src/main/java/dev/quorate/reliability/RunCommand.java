package dev.quorate.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code run}: a fenced run with every fault, then a control run without token checks. */
@Command(
    name = "run",
    description =
        "Runs 3 ZooKeeper servers, 3 lock clients and a fenced counter as processes, injects "
            + "faults, then checks the histories. Exit 0 only if the fenced run has no violation and "
            + "the control run shows overlapping writes.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RunOptions run;

  @Option(
      names = "--control-minutes",
      description = "Minutes of faults in the control run (default 2; 0 skips it).")
  double controlMinutes = 2;

  @Option(
      names = "--session",
      converter = DurationConverter.class,
      description = "The clients' session timeout (default 4s; 1s to 10s with 500 ms ticks).")
  Duration session = Duration.ofSeconds(4);

  @Option(
      names = "--gap",
      converter = DurationConverter.class,
      description = "Quiet time after each fault (default 5s).")
  Duration gap = Duration.ofSeconds(5);

  @Override
  public Integer call() throws Exception {
    if (!(controlMinutes >= 0)) {
      throw new ParameterException(
          spec.commandLine(), "--control-minutes must be >= 0, got " + controlMinutes);
    }
    if (session.compareTo(Duration.ofSeconds(1)) < 0
        || session.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--session " + session.toMillis() + "ms is outside 1s..10s, what the servers allow");
    }
    Path root = run.directory("quorate-chaos-");
    if (Files.exists(root.resolve("fenced")) || Files.exists(root.resolve("control"))) {
      throw new ParameterException(
          spec.commandLine(), "--dir " + root + " already holds a run; give a new directory");
    }
    long s = run.seed();
    System.out.println("run directory " + root + ", seed " + s);
    Outcome outcome = runBoth(root, run.minutes, controlMinutes, session, gap, s);
    System.out.print(outcome.text());
    Files.writeString(root.resolve("report.txt"), outcome.text(), StandardCharsets.UTF_8);
    return outcome.passed() ? 0 : 1;
  }

  /** The text of both reports and whether the suite passed. */
  record Outcome(String text, boolean passed, CheckResult fenced, CheckResult control) {}

  static Outcome runBoth(
      Path root, double minutes, double controlMinutes, Duration session, Duration gap, long seed)
      throws Exception {
    long started = System.nanoTime();
    RunSettings fencedRun =
        settings(minutes, true, Arrays.asList(Fault.values()), session, gap, seed);
    new Harness(root.resolve("fenced"), fencedRun).run();
    CheckResult fenced = Checker.check(RunRecord.read(root.resolve("fenced")));
    StringBuilder text = new StringBuilder();
    text.append(fencedRun.describe()).append('\n').append(Report.render("fenced run", fenced));
    boolean passed = fenced.passed();
    CheckResult control = null;
    if (controlMinutes > 0) {
      List<Fault> biting =
          Arrays.stream(Fault.values()).filter(Fault::letsStaleHolderWrite).toList();
      RunSettings controlRun = settings(controlMinutes, false, biting, session, gap, seed + 1);
      new Harness(root.resolve("control"), controlRun).run();
      control = Checker.check(RunRecord.read(root.resolve("control")));
      text.append('\n')
          .append(controlRun.describe())
          .append('\n')
          .append(Report.render("control run", control));
      if (control.overlaps() == 0) {
        text.append("FAIL: the control run shows no overlapping writes: the faults did not bite\n");
        passed = false;
      }
    }
    text.append(
        String.format(
            "%nwall time %d s; %s%n",
            Duration.ofNanos(System.nanoTime() - started).toSeconds(),
            passed ? "PASSED" : "FAILED"));
    return new Outcome(text.toString(), passed, fenced, control);
  }

  static RunSettings settings(
      double minutes,
      boolean fenced,
      List<Fault> faults,
      Duration session,
      Duration gap,
      long seed) {
    return new RunSettings(
        Duration.ofMillis(Math.round(minutes * 60_000)), fenced, faults, session, gap, 3, seed);
  }
}
