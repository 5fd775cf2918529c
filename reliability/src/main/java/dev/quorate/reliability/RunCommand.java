package dev.quorate.reliability;

import java.io.IOException;
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

/** {@code run}: a fenced run with every fault, then a control run without token checks. */
@Command(
    name = "run",
    description =
        "Runs 3 or 5 ZooKeeper servers, 3 lock clients and a fenced counter as processes (servers "
            + "and clients in network namespaces of their own where the machine allows), injects "
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

  @Option(
      names = "--servers",
      description = "ZooKeeper servers in the ensemble: 3 or 5 (default 3; the ring needs 5).")
  int servers = 3;

  @Option(
      names = "--zookeeper",
      description = "The servers' ZooKeeper version (default: the one Quorate is built with).")
  String zookeeper = ZkServers.builtIn();

  @Option(
      names = "--control-zookeeper",
      description = "The control run's ZooKeeper version (default: that of --zookeeper).")
  String controlZookeeper;

  @Override
  public Integer call() throws Exception {
    if (servers != 3 && servers != 5) {
      throw new ParameterException(spec.commandLine(), "--servers must be 3 or 5, got " + servers);
    }
    if (controlZookeeper == null) {
      controlZookeeper = zookeeper;
    }
    for (String[] v :
        List.of(
            new String[] {"--zookeeper", zookeeper},
            new String[] {"--control-zookeeper", controlZookeeper})) {
      if (!ZkServers.available().contains(v[1])) {
        throw new ParameterException(
            spec.commandLine(),
            v[0] + " " + v[1] + " is not available; available: " + ZkServers.available());
      }
    }
    if (session.compareTo(Duration.ofSeconds(1)) < 0
        || session.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--session " + session.toMillis() + "ms is outside 1s..10s, what the servers allow");
    }
    Path root = run.newRunDirectory("quorate-chaos-", controlMinutes);
    long s = run.seed();
    System.out.println("run directory " + root + ", seed " + s);
    Outcome outcome =
        runBoth(
            root,
            run.minutes,
            controlMinutes,
            session,
            gap,
            s,
            servers,
            List.of(zookeeper, controlZookeeper));
    return RunOptions.report(root, outcome.text(), outcome.passed());
  }

  /**
   * The text of both reports, whether the suite passed, and the faults the fenced run had (all of
   * them, unless the machine cannot make network namespaces or the ensemble is too small for a
   * ring; the text then says which were left out and why).
   */
  record Outcome(
      String text, boolean passed, CheckResult fenced, CheckResult control, List<Fault> faults) {}

  static Outcome runBoth(
      Path root,
      double minutes,
      double controlMinutes,
      Duration session,
      Duration gap,
      long seed,
      int servers,
      List<String> zookeepers)
      throws Exception {
    long started = System.nanoTime();
    StringBuilder text = new StringBuilder();
    List<Fault> faults = new ArrayList<>(Fault.zookeeperFaults());
    NetworkLab lab = null;
    try {
      lab = NetworkLab.build(servers, Harness.clientIds());
    } catch (IOException e) {
      List<Fault> left = faults.stream().filter(Fault::needsNamespaces).toList();
      faults.removeAll(left);
      text.append("network namespaces cannot be made here, so the partition faults ")
          .append(left)
          .append(" are left out; the proxy faults stay. Reason: ")
          .append(e.getMessage())
          .append('\n');
    }
    if (FakeClock.library().isEmpty()) {
      faults.remove(Fault.CLOCK_STEP);
      text.append(
          "CLOCK_STEP left out: libfaketime is not installed (Debian: apt-get install libfaketime)\n");
    }
    if (lab != null && servers < 4) {
      faults.remove(Fault.RING);
      text.append("RING left out: with ")
          .append(servers)
          .append(" servers every two are neighbours\n");
    }
    try {
      RunSettings fencedRun =
          settings(minutes, true, faults, session, gap, seed, servers, zookeepers.get(0));
      new Harness(root.resolve("fenced"), fencedRun, lab).run();
      CheckResult fenced = Checker.check(RunRecord.read(root.resolve("fenced")));
      text.append(fencedRun.describe()).append('\n').append(Report.render("fenced run", fenced));
      boolean passed = fenced.passed();
      CheckResult control = null;
      if (controlMinutes > 0) {
        List<Fault> biting = faults.stream().filter(Fault::letsStaleHolderWrite).toList();
        RunSettings controlRun =
            settings(
                controlMinutes, false, biting, session, gap, seed + 1, servers, zookeepers.get(1));
        new Harness(root.resolve("control"), controlRun, lab).run();
        control = Checker.check(RunRecord.read(root.resolve("control")));
        passed &= Report.appendControl(text, controlRun.describe(), control);
      }
      text.append(Report.closing(started, passed));
      return new Outcome(text.toString(), passed, fenced, control, List.copyOf(faults));
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  static RunSettings settings(
      double minutes,
      boolean fenced,
      List<Fault> faults,
      Duration session,
      Duration gap,
      long seed,
      int servers,
      String zookeeper) {
    return new RunSettings(
        Duration.ofMillis(Math.round(minutes * 60_000)),
        fenced,
        faults,
        session,
        gap,
        3,
        seed,
        servers,
        zookeeper);
  }
}
