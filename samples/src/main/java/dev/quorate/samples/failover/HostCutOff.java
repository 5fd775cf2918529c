package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Scenario 5: host-b, which runs vm-1 and vm-2, is cut off: the link of its network namespace goes
 * down, and its cluster manager and guests run on, unaware. Everything host-b reaches goes over
 * that link: the lock server, the NBD server with the VMs' disks, and the quorum disk (an export of
 * the same server). So host-b cannot renew its quorum-disk slot and fences itself within the disk's
 * renewal deadline, killing its guests as a watchdog reboot would; before any peer may declare it
 * DOWN, by the disk's timing rules. host-a sees host-b DOWN, regains quorum with the disk's vote,
 * takes the VMs' locks once host-b's ZooKeeper session has expired, opens their disks with newer
 * tokens (the server revokes host-b's connections), powers host-b off through the guard and boots
 * the VMs.
 */
final class HostCutOff {
  static final String HOST = "host-b";
  private static final String SURVIVOR = "host-a";

  private final DemoCluster cluster;
  private final Timeline timeline;

  HostCutOff(DemoCluster cluster) {
    this.cluster = cluster;
    this.timeline = cluster.timeline;
  }

  /**
   * Runs the scenario; needs the hosts' network namespaces.
   *
   * @return vm-1's milestones in milliseconds after the cut, for the comparison of outages
   */
  Map<String, Long> run() throws Exception {
    timeline.scene(
        "Scenario 5: host cut off. host-b's link goes down; vm-1 and vm-2 keep running there");
    timeline.note("Expected: host-b reaches neither the lock server, nor the NBD server, nor the");
    timeline.note("quorum disk (an export of the NBD server) and fences itself within the disk's");
    timeline.note("renewal deadline, its guests with it; host-a sees host-b DOWN, regains quorum,");
    timeline.note("takes both locks once host-b's session expires, opens the disks with newer");
    timeline.note("tokens, powers host-b off after the guard allows it, and boots both VMs.");
    Map<String, FencingToken> old = new LinkedHashMap<>();
    Map<String, Long> oldPids = new LinkedHashMap<>();
    for (String vm : DemoCluster.VMS) {
      old.put(vm, cluster.latestToken(HOST, vm));
      oldPids.put(vm, cluster.qemuPid(HOST, vm));
    }
    int id = DemoCluster.MEMBERS.get(HOST);
    int from = timeline.mark();
    long cut = System.nanoTime();
    cluster.network.link(HOST, id, false);
    timeline.say(
        "ip link set %s down: host-b (cluster manager pid %d) is cut off; vm-1 (QEMU pid %d, token"
            + " %s) and vm-2 (QEMU pid %d, token %s) run on",
        cluster.network.linkName(id),
        cluster.host(HOST).pid(),
        oldPids.get("vm-1"),
        old.get("vm-1"),
        oldPids.get("vm-2"),
        old.get("vm-2"));
    try {
      return recover(from, cut, old, oldPids);
    } finally {
      cluster.network.link(HOST, id, true);
      timeline.say("host-b's link is up again (host-b stays powered off)");
    }
  }

  private Map<String, Long> recover(
      int from, long cut, Map<String, FencingToken> old, Map<String, Long> oldPids)
      throws Exception {
    Map<String, Long> at = new LinkedHashMap<>();
    at.put("host lost / switchover asked", 0L);
    Timeline.Entry selfFence =
        timeline
            .await(from, "host-b's self-fence", DemoCluster.WAIT, e -> e.is(HOST, "self-fence"))
            .orElseThrow();
    at.put("cut-off host fences itself", Timeline.millis(cut, selfFence.atNanos()));
    timeline.check(
        oldPids.values().stream().noneMatch(Processes::running),
        "host-b's guests (QEMU pids %s) died with its self-fence",
        oldPids.values());
    Timeline.Entry down =
        timeline
            .await(
                from,
                "host-b DOWN at host-a",
                DemoCluster.WAIT,
                e ->
                    e.is(SURVIVOR, "disk")
                        && e.event().get("change").equals("NODE_DOWN")
                        && e.event().get("node").equals(HOST))
            .orElseThrow();
    at.put("quorum disk: host DOWN", Timeline.millis(cut, down.atNanos()));
    timeline.check(
        down.atNanos() > selfFence.atNanos(),
        "host-b fenced itself %d ms before host-a could declare it DOWN",
        Timeline.millis(selfFence.atNanos(), down.atNanos()));
    Timeline.Entry quorate = cluster.awaitQuorate(from, SURVIVOR, SURVIVOR);
    at.put("quorum regained (disk master)", Timeline.millis(cut, quorate.atNanos()));

    Map<String, FencingToken> newer = new LinkedHashMap<>();
    for (String vm : DemoCluster.VMS) {
      Timeline.Entry lease = cluster.await(from, SURVIVOR, "lease", vm);
      newer.put(vm, DemoCluster.token(lease));
      timeline.check(
          newer.get(vm).isNewerThan(old.get(vm)),
          "%s: host-a's token %s is greater than host-b's %s",
          vm,
          newer.get(vm),
          old.get(vm));
      if (vm.equals("vm-1")) {
        at.put("lock granted, new token", Timeline.millis(cut, lease.atNanos()));
        at.put(
            "disk claimed (NBD open, new token)",
            Timeline.millis(cut, cluster.await(from, SURVIVOR, "claim", vm).atNanos()));
      }
      awaitRevoked(from, vm, newer.get(vm), old.get(vm));
    }
    Timeline.Entry guard =
        timeline
            .await(from, "host-a's guard decision", DemoCluster.WAIT, e -> e.is(SURVIVOR, "guard"))
            .orElseThrow();
    timeline.check(
        guard.event().get("reason").equals("ALLOWED_SURVIVORS_QUORATE"),
        "the guard allowed fencing the cut-off host-b: %s, host-a quorate with %s of %s votes"
            + " (host-b's last quorum state: %s)",
        guard.event().get("reason"),
        quorate.event().get("votes"),
        quorate.event().get("expected"),
        lastQuorum(HOST));
    Timeline.Entry fence =
        timeline
            .await(from, "host-a's fence result", DemoCluster.WAIT, e -> e.is(SURVIVOR, "fence"))
            .orElseThrow();
    timeline.check(
        fence.event().get("status").equals("SUCCEEDED") && cluster.power.power(HOST).equals("off"),
        "host-b fenced: %s %s, its plug is off",
        fence.event().get("status"),
        fence.event().get("reason"));
    at.put("fenced (power off)", Timeline.millis(cut, fence.atNanos()));

    for (String vm : DemoCluster.VMS) {
      Timeline.Entry started = cluster.await(from, SURVIVOR, "vm-started", vm);
      Timeline.Entry boot = cluster.awaitBoot(from, SURVIVOR, vm, newer.get(vm));
      if (vm.equals("vm-1")) {
        at.put("VM started on the new host", Timeline.millis(cut, started.atNanos()));
        at.put("VM writes again: outage ends", Timeline.millis(cut, boot.atNanos()));
        at.put("guest's boot (cont to first record)", Long.parseLong(boot.event().get("ms")));
      }
      OptionalLong last = cluster.exports.lastAccepted(vm, old.get(vm));
      timeline.check(
          last.isEmpty() || last.getAsLong() < selfFence.atNanos(),
          "the NBD server served no request of host-b's %s (token %s) after host-b fenced itself"
              + " (its last one %s)",
          vm,
          old.get(vm),
          last.isEmpty() ? "never" : relativeTo(cut, last.getAsLong()));
    }
    cluster.checkDisks();
    timeline.say(
        "host cut off, recovered: vm-1 writes again %d ms after the cut",
        at.get("VM writes again: outage ends"));
    return at;
  }

  /** Waits for the export's move to the new token, which revokes host-b's connection. */
  private void awaitRevoked(int from, String vm, FencingToken token, FencingToken stale)
      throws InterruptedException {
    timeline
        .await(
            from,
            vm + "'s export opened with " + token + ", revoking " + stale,
            DemoCluster.WAIT,
            e ->
                e.is("nbd", "export-token")
                    && e.event().get("vm").equals(vm)
                    && e.event().get("token").equals(token.toString()))
        .orElseThrow();
  }

  private static String relativeTo(long cut, long atNanos) {
    long ms = Timeline.millis(cut, atNanos);
    return ms < 0 ? -ms + " ms before the cut" : ms + " ms after the cut";
  }

  private String lastQuorum(String host) {
    List<Timeline.Entry> states = timeline.since(0, e -> e.is(host, "quorum"));
    return states.isEmpty() ? "none" : states.get(states.size() - 1).event().text();
  }
}
