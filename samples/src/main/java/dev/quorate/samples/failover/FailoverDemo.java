package dev.quorate.samples.failover;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The README's main job: the seed paper's "physical/physical with fail-/switchover of virtual
 * machines" on one machine. Two simulated physical hosts run a small cluster manager each (a
 * process of its own); the VMs are real QEMU guests whose disks are exports of a token-fenced NBD
 * server; a ZooKeeper server grants one lock per VM, a quorum disk file breaks the tie of the two
 * hosts, and a simulated power switch fences through the topology-aware guard. Five scenarios: a
 * failover after a host is lost, a host power cycle the guard refuses, a cold switchover, a
 * switchover by live migration, and a host cut off from the network (its namespace's link down; not
 * run, with a line that says why, where the hosts have no namespaces). Without QEMU or the guest
 * image it says why and fails.
 *
 * <pre>{@code
 * boolean ok =
 *     new FailoverDemo(Files.createTempDirectory("quorate-demo-"), "vm/target/guest", System.out)
 *         .run();
 * }</pre>
 */
public final class FailoverDemo {
  /** The system property {@code bin/demo} sets to the guest image's directory: {@value}. */
  public static final String GUEST_PROPERTY = "quorate.guest";

  /** How the closing line names the scenario that did not run. */
  private static final String NOT_RUN = "not run: scenario 5 (host cut off), because ";

  private final Path work;
  private final String guestDir;
  private final PrintStream out;

  /**
   * Prepares a run.
   *
   * @param work an empty working directory; everything the demo creates goes there
   * @param guestDir the guest image's directory, made by {@code bin/lib/build-guest.sh DIR}
   * @param out where the timeline goes
   */
  public FailoverDemo(Path work, String guestDir, PrintStream out) {
    this.work = work;
    this.guestDir = guestDir;
    this.out = out;
  }

  /**
   * Runs the scenarios.
   *
   * @return true if every scenario that ran behaved as promised
   * @throws InterruptedException if interrupted
   */
  public boolean run() throws InterruptedException {
    Timeline timeline = new Timeline(out);
    out.println("Quorate demo: VM failover and switchover between two simulated physical hosts");
    out.println("working directory: " + work + " (logs in logs/)");
    try (HostNetwork network = HostNetwork.open(DemoCluster.MEMBERS)) {
      out.println(network.describe());
      return run(timeline, network);
    }
  }

  private boolean run(Timeline timeline, HostNetwork network) throws InterruptedException {
    DemoGuest guest;
    try {
      guest = DemoGuest.locate(guestDir);
    } catch (IllegalStateException e) {
      out.println("demo FAILED: it cannot run QEMU guests: " + e.getMessage());
      return false;
    }
    out.println("guests: QEMU (TCG), kernel " + guest.kernel() + ", 128 MiB, one virtio disk each");
    out.println("timing shortened for the demo (production defaults in brackets):");
    DemoTiming.describe().forEach(line -> out.println("  " + line));
    Thread cleanup =
        new Thread(
            () -> {
              Processes.killAll(work.resolve("power"));
              network.close();
            },
            "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    Optional<String> notRun = Optional.empty();
    try (DemoCluster cluster = DemoCluster.prepare(work, guestDir, timeline, network)) {
      timeline.scene(
          "Setup: two hosts, each with a cluster manager; vm-1 on host-a, vm-2 on host-b");
      int from = timeline.mark();
      cluster.boot("host-a");
      cluster.boot("host-b");
      cluster.awaitQuorate(from, "host-a", "host-a,host-b");
      cluster.awaitQuorate(from, "host-b", "host-a,host-b");
      from = timeline.mark();
      cluster.host("host-a").send("start vm-1");
      cluster.host("host-b").send("start vm-2");
      Timeline.Entry vm1 = cluster.await(from, "host-a", "vm-started", "vm-1");
      Timeline.Entry vm2 = cluster.await(from, "host-b", "vm-started", "vm-2");
      cluster.awaitBoot(from, "host-a", "vm-1", DemoCluster.token(vm1));
      cluster.awaitBoot(from, "host-b", "vm-2", DemoCluster.token(vm2));
      cluster.checkNamespace("host-a", "vm-1");
      cluster.checkNamespace("host-b", "vm-2");

      Map<String, Map<String, Long>> outages = new LinkedHashMap<>();
      outages.put("failover", new HostFailover(cluster).run(vm1, vm2));
      new RefusedHostFence(cluster).run();
      outages.put("cold", new Switchover(cluster).run(cluster.latestToken("host-b", "vm-1")));
      outages.put("live", new LiveMigration(cluster).run(cluster.latestToken("host-a", "vm-1")));
      if (network.reason().isEmpty()) {
        outages.put("cut off", new HostCutOff(cluster).run());
      } else {
        notRun = Optional.of(NOT_RUN + network.reason().get());
        timeline.scene("Scenario 5: host cut off: NOT RUN");
        timeline.say(
            "not run: a host is cut off by taking its network namespace's link down, and there are"
                + " no namespaces here: %s",
            network.reason().get());
      }
      timeline.scene("Outages compared");
      OutageTable.print(timeline, outages);
      timeline.scene("Shutdown");
      timeline.say("stopping both hosts cleanly: QEMU quit, locks released, disk slots STOPPED");
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      timeline.check(false, "the demo stopped early: %s", e);
    } finally {
      Processes.killAll(work.resolve("power"));
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    out.println();
    String ran =
        notRun
            .map(why -> "every scenario that ran behaved as promised; " + why)
            .orElse("every scenario behaved as promised");
    out.printf(
        timeline.ok()
            ? "demo finished in %d ms: " + ran + "%n"
            : "demo FAILED after %d ms: see UNEXPECTED above and the logs in " + work + "/logs%n",
        timeline.totalMillis());
    return timeline.ok();
  }
}
