package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Scenario 1: host-a's cluster manager dies (SIGKILL) while its QEMU guest runs on, unaware. host-b
 * must notice through the quorum disk, regain quorum with the disk's vote, take vm-1's lock, open
 * vm-1's disk on the NBD server with the new token (the stale guest's writes are refused from then
 * on), power host-a off through the guard (its agent and its QEMU processes), and boot vm-1.
 */
final class HostFailover {
  private final DemoCluster cluster;
  private final Timeline timeline;

  HostFailover(DemoCluster cluster) {
    this.cluster = cluster;
    this.timeline = cluster.timeline;
  }

  /**
   * Runs the scenario.
   *
   * @param vm1 host-a's lease event for vm-1 (its token)
   * @param vm2 host-b's lease event for vm-2, which must live through host-a's loss
   * @return the milestones in milliseconds after the kill, for the comparison in scenario 3
   */
  Map<String, Long> run(Timeline.Entry vm1, Timeline.Entry vm2) throws Exception {
    timeline.scene(
        "Scenario 1: failover. host-a's cluster manager is killed; vm-1 keeps running there,"
            + " unaware of the cluster");
    timeline.note(
        "Expected: host-b sees host-a DOWN on the quorum disk, regains quorum with the disk's vote,");
    timeline.note(
        "takes vm-1's lock once host-a's ZooKeeper session expires, opens vm-1's disk on the NBD");
    timeline.note(
        "server with the new token (the stale guest's writes are refused there), powers host-a");
    timeline.note("off after the guard allows it, and boots vm-1.");
    FencingToken oldToken = DemoCluster.token(vm1);
    long oldPid = cluster.qemuPid("host-a", "vm-1");
    HostProcess hostA = cluster.host("host-a");
    int from = timeline.mark();
    long kill = System.nanoTime();
    hostA.crash();
    timeline.say(
        "kill -9 host-a's cluster manager (pid %d); vm-1 (QEMU pid %d, token %s) writes on",
        hostA.pid(), oldPid, oldToken);

    Map<String, Long> at = new LinkedHashMap<>();
    at.put("host lost / switchover asked", 0L);
    Timeline.Entry down =
        timeline
            .await(
                from,
                "host-a DOWN at host-b",
                DemoCluster.WAIT,
                e -> e.is("host-b", "disk") && e.event().get("change").equals("NODE_DOWN"))
            .orElseThrow();
    at.put("quorum disk: host DOWN", Timeline.millis(kill, down.atNanos()));
    Timeline.Entry quorate = cluster.awaitQuorate(from, "host-b", "host-b");
    timeline.check(
        quorate.event().get("votes").equals("2"),
        "host-b is quorate alone with 2 of 3 votes: its own and the quorum disk's (%s)",
        quorate.event().get("votes"));
    at.put("quorum regained (disk master)", Timeline.millis(kill, quorate.atNanos()));

    Timeline.Entry lease = cluster.await(from, "host-b", "lease", "vm-1");
    FencingToken newToken = DemoCluster.token(lease);
    timeline.check(
        newToken.isNewerThan(oldToken),
        "the new token %s is greater than host-a's %s",
        newToken,
        oldToken);
    at.put("lock granted, new token", Timeline.millis(kill, lease.atNanos()));
    Timeline.Entry claim = cluster.await(from, "host-b", "claim", "vm-1");
    at.put("disk claimed (NBD open, new token)", Timeline.millis(kill, claim.atNanos()));
    timeline.check(
        Processes.running(oldPid),
        "the stale vm-1 (QEMU pid %d) still runs when host-b has claimed its disk",
        oldPid);
    timeline.await(
        from,
        "refused request of the stale vm-1",
        DemoCluster.WAIT,
        e -> e.is("nbd", "refused") && e.event().get("token").equals(oldToken.toString()));
    Timeline.Entry guard =
        timeline
            .await(from, "the guard's decision", DemoCluster.WAIT, e -> e.is("host-b", "guard"))
            .orElseThrow();
    timeline.check(
        guard.event().get("reason").equals("ALLOWED_SURVIVORS_QUORATE"),
        "the guard allowed the host-level fence: %s",
        guard.event().get("reason"));
    Timeline.Entry fence =
        timeline
            .await(from, "host-b's fence result", DemoCluster.WAIT, e -> e.is("host-b", "fence"))
            .orElseThrow();
    timeline.check(
        fence.event().get("status").equals("SUCCEEDED"),
        "host-a fenced: %s %s",
        fence.event().get("status"),
        fence.event().get("reason"));
    at.put("fenced (power off)", Timeline.millis(kill, fence.atNanos()));
    timeline.check(
        !Processes.running(oldPid) && cluster.power.power("host-a").equals("off"),
        "the stale vm-1 (QEMU pid %d) is gone and host-a's plug is off",
        oldPid);

    Timeline.Entry started = cluster.await(from, "host-b", "vm-started", "vm-1");
    at.put("VM started on the new host", Timeline.millis(kill, started.atNanos()));
    Timeline.Entry boot = cluster.awaitBoot(from, "host-b", "vm-1", newToken);
    at.put("VM writes again: outage ends", Timeline.millis(kill, boot.atNanos()));
    at.put("guest's boot (cont to first record)", Long.parseLong(boot.event().get("ms")));

    long stale = cluster.exports.refused("vm-1", oldToken);
    timeline.check(
        stale > 0,
        "the NBD server refused %d request(s) of the stale vm-1 (token %s)",
        stale,
        oldToken);
    cluster.checkDisks();
    FencingToken vm2Token = DemoCluster.token(vm2);
    OptionalLong vm2Last = cluster.exports.lastAccepted("vm-2", vm2Token);
    timeline.check(
        vm2Last.isPresent()
            && vm2Last.getAsLong() > fence.atNanos()
            && timeline
                .since(from, e -> e.is("host-b", "lease") && e.event().get("vm").equals("vm-2"))
                .isEmpty(),
        "vm-2 kept running on host-b with its token %s throughout (it wrote after the fence)",
        vm2Token);
    timeline.say(
        "failover done: vm-1 writes again %d ms after host-a was lost",
        at.get("VM writes again: outage ends"));
    return at;
  }
}
