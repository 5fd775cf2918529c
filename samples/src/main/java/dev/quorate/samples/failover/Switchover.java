package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: host-a is repaired and rejoins; then vm-1 moves back to it, planned: host-a asks for
 * vm-1's lock, host-b's blocking callback shuts vm-1 down cleanly and releases the lock, host-a
 * gets it and boots vm-1. No detection, no fencing. The outage is printed beside the failover's.
 */
final class Switchover {
  private final DemoCluster cluster;
  private final Timeline timeline;

  Switchover(DemoCluster cluster) {
    this.cluster = cluster;
    this.timeline = cluster.timeline;
  }

  void run(FencingToken current, Map<String, Long> failover) throws Exception {
    timeline.scene("Scenario 3: planned switchover of vm-1 back to host-a, without fencing");
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
    cluster.await(from, "host-b", "blocking", "vm-1");
    Timeline.Entry shutdown =
        timeline
            .await(
                from,
                "vm-1's clean shutdown",
                DemoCluster.WAIT,
                e ->
                    e.is("vm-1", "clean-shutdown")
                        && e.event().get("token").equals(current.toString()))
            .orElseThrow();
    at.put("old VM shut down cleanly", Timeline.millis(asked, shutdown.atNanos()));
    Timeline.Entry lease = cluster.await(from, "host-a", "lease", "vm-1");
    FencingToken token = DemoCluster.token(lease);
    timeline.check(
        token.isNewerThan(current), "host-a's token %s is greater than %s", token, current);
    at.put("lock granted, new token", Timeline.millis(asked, lease.atNanos()));
    at.put(
        "disk claimed",
        Timeline.millis(asked, cluster.await(from, "host-a", "claim", "vm-1").atNanos()));
    at.put(
        "VM started on the new host",
        Timeline.millis(asked, cluster.await(from, "host-a", "vm-started", "vm-1").atNanos()));
    Timeline.Entry boot = cluster.awaitBoot(from, "vm-1", token);
    at.put("VM writes again: outage ends", Timeline.millis(asked, boot.atNanos()));
    timeline.check(
        timeline
            .since(
                from, e -> e.event().kind().startsWith("fence") || e.event().kind().equals("guard"))
            .isEmpty(),
        "no fencing during the switchover");
    compare(failover, at);
  }

  private void compare(Map<String, Long> failover, Map<String, Long> switchover) {
    timeline.say("outage of vm-1, milliseconds after the trigger:");
    timeline.note(String.format("%-32s %12s %12s", "", "failover", "switchover"));
    List<String> rows = new ArrayList<>(failover.keySet());
    rows.add(1, "old VM shut down cleanly");
    for (String row : rows) {
      timeline.note(
          String.format("%-32s %12s %12s", row, cell(failover, row), cell(switchover, row)));
    }
    timeline.note(
        "A failover pays for detection (quorum disk), the lock's session timeout and fencing;"
            + " a switchover only for the VM's shutdown and boot.");
  }

  private static String cell(Map<String, Long> column, String row) {
    Long ms = column.get(row);
    return ms == null ? "-" : ms + " ms";
  }
}
