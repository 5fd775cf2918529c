package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The README's main job: the seed paper's "physical/physical with fail-/switchover of virtual
 * machines" on one machine. Two simulated physical hosts run a small cluster manager each (a
 * process of its own), VMs are processes writing to disks on a shared storage, a ZooKeeper server
 * grants one lock per VM, a quorum disk file breaks the tie of the two hosts, and a simulated power
 * switch fences through the topology-aware guard. Three scenarios: a failover after a host is lost,
 * a host power cycle the guard refuses, and a planned switchover.
 *
 * <pre>{@code
 * boolean ok = new FailoverDemo(Files.createTempDirectory("quorate-demo-"), System.out).run();
 * }</pre>
 */
public final class FailoverDemo {
  private final Path work;
  private final PrintStream out;

  /**
   * Prepares a run.
   *
   * @param work an empty working directory; everything the demo creates goes there
   * @param out where the timeline goes
   */
  public FailoverDemo(Path work, PrintStream out) {
    this.work = work;
    this.out = out;
  }

  /**
   * Runs the three scenarios.
   *
   * @return true if every scenario behaved as promised
   * @throws InterruptedException if interrupted
   */
  public boolean run() throws InterruptedException {
    Timeline timeline = new Timeline(out);
    out.println("Quorate demo: VM failover and switchover between two simulated physical hosts");
    out.println("working directory: " + work + " (logs in logs/)");
    out.println("timing shortened for the demo (production defaults in brackets):");
    DemoTiming.describe().forEach(line -> out.println("  " + line));
    Thread cleanup = new Thread(() -> Processes.killAll(work.resolve("power")), "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try (DemoCluster cluster = DemoCluster.prepare(work, timeline)) {
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
      cluster.awaitBoot(from, "vm-1", DemoCluster.token(vm1));
      cluster.awaitBoot(from, "vm-2", DemoCluster.token(vm2));

      Map<String, Long> failover = new HostFailover(cluster).run(vm1, vm2);
      new RefusedHostFence(cluster).run();
      FencingToken current =
          DemoCluster.token(
              timeline
                  .since(0, e -> e.is("host-b", "vm-started") && e.event().get("vm").equals("vm-1"))
                  .get(0));
      new Switchover(cluster).run(current, failover);
      timeline.scene("Shutdown");
      timeline.say(
          "stopping both hosts cleanly: VMs shut down, locks released, disk slots STOPPED");
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      timeline.check(false, "the demo stopped early: %s", e);
    } finally {
      Processes.killAll(work.resolve("power"));
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    out.println();
    out.printf(
        timeline.ok()
            ? "demo finished in %d ms: every scenario behaved as promised%n"
            : "demo FAILED after %d ms: see UNEXPECTED above and the logs in " + work + "/logs%n",
        timeline.totalMillis());
    return timeline.ok();
  }
}
