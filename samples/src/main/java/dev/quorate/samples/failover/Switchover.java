package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 3: host-a is repaired and rejoins; then vm-1 moves back to it, planned and cold: host-a
 * asks for vm-1's lock, host-b's blocking callback stops vm-1's QEMU and releases the lock, host-a
 * gets it, opens the disk with its new token and boots vm-1. No detection, no fencing, but a whole
 * boot of the guest.
 */
final class Switchover {
  private final DemoCluster cluster;
  private final Timeline timeline;

  Switchover(DemoCluster cluster) {
    this.cluster = cluster;
    this.timeline = cluster.timeline;
  }

  /**
   * Runs the scenario.
   *
   * @param current the token vm-1 runs under on host-b
   * @return the milestones in milliseconds after the operator's request, and the new token
   */
  Map<String, Long> run(FencingToken current) throws Exception {
    timeline.scene("Scenario 3: cold switchover of vm-1 back to host-a, without fencing");
    int from = timeline.mark();
    cluster.host("host-b").send("unfence host-a");
    Timeline.Entry unfence =
        cluster
            .timeline
            .await(from, "host-a's unfence", DemoCluster.WAIT, e -> e.is("host-b", "unfence"))
            .orElseThrow();
    timeline.check(
        unfence.event().get("reason").equals("UNFENCED")
            && cluster.power.power("host-a").equals("on"),
        "host-a powered on again through the guard (an unfence costs no votes)");
    cluster.boot("host-a");
    cluster.awaitQuorate(from, "host-a", "host-a,host-b");
    cluster.awaitQuorate(from, "host-b", "host-a,host-b");

    from = timeline.mark();
    long asked = System.nanoTime();
    cluster.host("host-a").send("take vm-1");
    timeline.say("operator: move vm-1 to host-a (host-a asks for vm-1's lock)");
    Map<String, Long> at = new LinkedHashMap<>();
    at.put("host lost / switchover asked", 0L);
    Timeline.Entry stopped = cluster.await(from, "host-b", "released", "vm-1");
    at.put("old VM stopped, lock released", Timeline.millis(asked, stopped.atNanos()));
    Timeline.Entry lease = cluster.await(from, "host-a", "lease", "vm-1");
    FencingToken token = DemoCluster.token(lease);
    timeline.check(
        token.isNewerThan(current), "host-a's token %s is greater than %s", token, current);
    at.put("lock granted, new token", Timeline.millis(asked, lease.atNanos()));
    at.put(
        "disk claimed (NBD open, new token)",
        Timeline.millis(asked, cluster.await(from, "host-a", "claim", "vm-1").atNanos()));
    at.put(
        "VM started on the new host",
        Timeline.millis(asked, cluster.await(from, "host-a", "vm-started", "vm-1").atNanos()));
    Timeline.Entry boot = cluster.awaitBoot(from, "host-a", "vm-1", token);
    at.put("VM writes again: outage ends", Timeline.millis(asked, boot.atNanos()));
    at.put("guest's boot (cont to first record)", Long.parseLong(boot.event().get("ms")));
    timeline.check(
        timeline
            .since(
                from, e -> e.event().kind().startsWith("fence") || e.event().kind().equals("guard"))
            .isEmpty(),
        "no fencing during the switchover");
    cluster.checkDisks();
    return at;
  }
}
