package dev.quorate.samples.failover;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.LivenessSource;
import dev.quorate.fence.PlugMapping;
import dev.quorate.fence.TopologyFenceGuard;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 2: the cluster members are VMs, and two of them (node-a, node-b) run on one physical
 * host, hv-1; node-c runs on hv-2. node-a hangs. Its fence configuration, carried over from
 * physical clusters, power-cycles its host first: the guard refuses that (it would take node-b too
 * and leave node-c alone, without quorum), and the fencer falls back to the VM-level fence.
 * Membership comes from the members' heartbeats on the shared storage; node-c's cluster manager
 * runs in the demo's process.
 */
final class RefusedHostFence {
  private static final Map<String, Integer> MEMBERS = Map.of("node-a", 1, "node-b", 2, "node-c", 3);
  private static final Map<String, String> HOST_OF =
      Map.of("node-a", "hv-1", "node-b", "hv-1", "node-c", "hv-2");

  private final DemoCluster cluster;
  private final Timeline timeline;
  private final Map<String, Process> members = new LinkedHashMap<>();

  RefusedHostFence(DemoCluster cluster) {
    this.cluster = cluster;
    this.timeline = cluster.timeline;
  }

  void run() throws Exception {
    timeline.scene("Scenario 2: refused fence. Two cluster members share one physical host");
    Topology.Builder layout = Topology.builder();
    MEMBERS.forEach((name, id) -> layout.member(id, 1, HOST_OF.get(name)));
    QuorumPolicy policy = QuorumPolicy.builder(layout.build()).build();
    timeline.note(
        "members (VMs): node-a and node-b on host hv-1, node-c on host hv-2; 1 vote each");
    timeline.note(
        "fence levels of every member: 1 = hv's power outlet (HOST), 2 = its hypervisor (VM)");
    for (String warning : policy.warnings()) {
      timeline.say("configuration warning: %s", warning);
    }
    for (String name : MEMBERS.keySet().stream().sorted().toList()) {
      start(name);
    }
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    try (QuorumService quorum = QuorumService.builder(policy, MemberId.of(3)).build()) {
      quorum.addListener(event -> timeline.record("node-c", quorumEvent(event.current())));
      heartbeats.scheduleAtFixedRate(() -> quorum.update(present()), 0, 100, TimeUnit.MILLISECONDS);
      int from = timeline.mark();
      awaitQuorate(from, "node-a,node-b,node-c");

      Fencer fencer = fencer(policy, quorum);
      from = timeline.mark();
      long nodeA = members.get("node-a").pid();
      Processes.freeze(nodeA);
      timeline.say("node-a hangs (SIGSTOP of its VM, pid %d): its heartbeats stop", nodeA);
      awaitQuorate(from, "node-b,node-c");
      FenceResult result =
          fencer.fence(
              FenceRequest.of("node-c", "node-a", FenceAction.OFF, "no heartbeat from node-a"));
      timeline.say(
          "fence node-a: %s %s at level %d in %d ms",
          result.status(), result.reason(), result.level(), result.elapsed().toMillis());
      List<Timeline.Entry> decisions = timeline.since(from, e -> e.is("node-c", "guard"));
      timeline.check(
          decisions.size() == 2
              && decisions.get(0).event().get("reason").equals("REFUSED_SURVIVORS_NOT_QUORATE")
              && decisions.get(1).event().get("reason").equals("ALLOWED_VM_LEVEL"),
          "the guard refused the host power cycle (REFUSED_SURVIVORS_NOT_QUORATE) and allowed"
              + " the VM-level fence (ALLOWED_VM_LEVEL)");
      timeline.check(
          result.succeeded() && result.level() == 2,
          "node-a was fenced by its hypervisor (level 2), not by its host's power outlet");
      long nodeB = members.get("node-b").pid();
      timeline.check(
          !Processes.running(nodeA)
              && Processes.running(nodeB)
              && cluster.power.power("hv-1").equals("on")
              && quorum.state().contains(MemberId.of(2)),
          "node-a's VM is gone; node-b (pid %d) still runs and heartbeats on hv-1, whose power"
              + " stayed on",
          nodeB);
    } finally {
      heartbeats.shutdownNow();
      stopAll();
    }
  }

  private static AgentEvent quorumEvent(QuorumState now) {
    List<String> names = now.members().stream().map(RefusedHostFence::name).toList();
    return new AgentEvent(
        "quorum",
        Map.of("quorate", Boolean.toString(now.quorate()), "members", String.join(",", names)),
        "quorum: "
            + (now.quorate() ? "quorate" : "NOT quorate")
            + " ["
            + now.reason()
            + "] "
            + now.explanation());
  }

  private void awaitQuorate(int from, String present) throws InterruptedException {
    timeline
        .await(
            from,
            "node-c quorate with " + present,
            DemoCluster.WAIT,
            e ->
                e.is("node-c", "quorum")
                    && e.event().get("quorate").equals("true")
                    && e.event().get("members").equals(present))
        .orElseThrow(() -> new IllegalStateException("node-c never saw " + present));
  }

  private Fencer fencer(QuorumPolicy policy, QuorumService quorum) {
    PowerSwitch power = cluster.power;
    FenceTopology.Builder topology = FenceTopology.builder();
    for (String host : new java.util.TreeSet<>(HOST_OF.values())) {
      // One outlet group per physical host; the device declares the host it powers.
      Map<String, String> outlets = new LinkedHashMap<>();
      HOST_OF.forEach(
          (member, on) -> {
            if (on.equals(host)) {
              outlets.put(member, host);
            }
          });
      topology.device(
          power.device("pdu-" + host, FenceScope.HOST, PlugMapping.hostMap(outlets), host));
    }
    topology
        .device(
            power.device(
                "hypervisor-hv1",
                FenceScope.VM,
                PlugMapping.staticList(Set.of("node-a", "node-b"))))
        .device(
            power.device(
                "hypervisor-hv2", FenceScope.VM, PlugMapping.staticList(Set.of("node-c"))));
    for (String name : MEMBERS.keySet()) {
      topology.level(name, FenceLevel.of(1, "pdu-" + HOST_OF.get(name)));
      topology.level(
          name, FenceLevel.of(2, name.equals("node-c") ? "hypervisor-hv2" : "hypervisor-hv1"));
    }
    LivenessSource heartbeats =
        new LivenessSource() {
          @Override
          public OptionalLong lastSeenNanos(MemberId member) {
            return lastBeat(RefusedHostFence.name(member));
          }

          @Override
          public String name() {
            return "storage heartbeat";
          }
        };
    var guard =
        TopologyFenceGuard.builder(policy, quorum::state)
            .livenessSource(heartbeats)
            .livenessWindow(DemoTiming.MEMBER_TIMEOUT)
            // The demo's hosts carry this cluster only; a data center declares an inventory.
            .dedicatedHosts();
    MEMBERS.forEach(guard::member);
    FenceGuard reporting = reporting(guard.build());
    return Fencer.builder(topology.build(), power.agents(), reporting)
        .deadline(Duration.ofSeconds(15))
        .maxAttempts(1)
        .build();
  }

  private FenceGuard reporting(FenceGuard guard) {
    return proposal -> {
      FenceDecision decision = guard.decide(proposal);
      timeline.record(
          "node-c",
          new AgentEvent(
              "guard",
              Map.of(
                  "level", Integer.toString(proposal.level().index()),
                  "reason", decision.reason().name()),
              "fence guard, level "
                  + proposal.level().index()
                  + " ("
                  + proposal.scope()
                  + " "
                  + proposal.devices().get(0).name()
                  + "): "
                  + (decision.allowed() ? "ALLOWED " : "REFUSED ")
                  + decision.reason()
                  + ": "
                  + decision.explanation()));
      return decision;
    };
  }

  private Set<MemberId> present() {
    Set<MemberId> present = new TreeSet<>();
    present.add(MemberId.of(3));
    long now = System.nanoTime();
    MEMBERS.forEach(
        (name, id) -> {
          OptionalLong beat = lastBeat(name);
          if (beat.isPresent() && now - beat.getAsLong() < DemoTiming.MEMBER_TIMEOUT.toNanos()) {
            present.add(MemberId.of(id));
          }
        });
    return present;
  }

  private OptionalLong lastBeat(String member) {
    return cluster.storage.lastBeatNanos(member);
  }

  private static String name(MemberId id) {
    return MEMBERS.entrySet().stream()
        .filter(e -> e.getValue() == id.value())
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(id.toString());
  }

  private void start(String name) throws IOException {
    Path log = cluster.work.resolve("logs").resolve(name + ".log");
    List<String> args =
        List.of("--member", name, "--storage", Integer.toString(cluster.storage.port()));
    Process process =
        new ProcessBuilder(ChildJvm.command(VmProcess.class, "32m", log, args))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    members.put(name, process);
    cluster.power.connect(HOST_OF.get(name), process.pid());
    cluster.power.connect(name, process.pid());
    timeline.say("%s: VM started on %s (pid %d)", name, HOST_OF.get(name), process.pid());
  }

  private void stopAll() throws InterruptedException {
    for (Process process : members.values()) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
