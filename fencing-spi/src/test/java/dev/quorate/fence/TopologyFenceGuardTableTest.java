package dev.quorate.fence;

import static dev.quorate.fence.FenceReason.ALLOWED_BY_TIE_BREAKER;
import static dev.quorate.fence.FenceReason.ALLOWED_SURVIVORS_QUORATE;
import static dev.quorate.fence.FenceReason.ALLOWED_UNFENCE;
import static dev.quorate.fence.FenceReason.ALLOWED_VM_LEVEL;
import static dev.quorate.fence.FenceReason.BRAKE_FENCE_STORM;
import static dev.quorate.fence.FenceReason.REFUSED_BY_TIE_BREAKER;
import static dev.quorate.fence.FenceReason.REFUSED_COLLATERAL;
import static dev.quorate.fence.FenceReason.REFUSED_DEVICE_WRONG_HOST;
import static dev.quorate.fence.FenceReason.REFUSED_NOT_QUORATE;
import static dev.quorate.fence.FenceReason.REFUSED_PROXY_ON_HOST;
import static dev.quorate.fence.FenceReason.REFUSED_REQUESTER_ON_HOST;
import static dev.quorate.fence.FenceReason.REFUSED_SURVIVORS_NOT_QUORATE;
import static dev.quorate.fence.FenceReason.REFUSED_UNKNOWN_MEMBER;
import static dev.quorate.fence.FenceReason.VETO_TARGET_ALIVE;
import static dev.quorate.fence.GuardScenario.scenario;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.quorum.TieBreaker;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard's decision table: each row a cluster layout, the partition the requester sees, one
 * proposed level, and the decision with its reason code. The first rows are the seed paper's five
 * HA configurations in virtual environments (Fischer and Mitasch, 2006).
 */
@Timeout(30)
class TopologyFenceGuardTableTest {

  static Stream<GuardScenario> topologies() {
    return Stream.of(
        // --- Paper 1: virtual/virtual on a single physical machine (the host is a SPOF).
        scenario("paper 1: three VMs on one host, power-cycling it would fence the requester")
            .member("a", "hv")
            .member("b", "hv")
            .member("c", "hv")
            .present("b", "c")
            .fenceHost("b", "a")
            .expect(REFUSED_REQUESTER_ON_HOST),
        scenario("paper 1: three VMs on one host, fencing the failed VM alone")
            .member("a", "hv")
            .member("b", "hv")
            .member("c", "hv")
            .present("b", "c")
            .fenceVm("b", "a")
            .expect(ALLOWED_VM_LEVEL),
        scenario("paper 1: two VMs on one host by majority, the survivor alone is not quorate")
            .member("a", "hv")
            .member("b", "hv")
            .present("b")
            .fenceVm("b", "a")
            .expect(REFUSED_NOT_QUORATE),
        // --- Paper 2: virtual/virtual on several physical machines.
        scenario("paper 2: three VMs on three hosts, the failed VM's host may be power-cycled")
            .member("a", "h1")
            .member("b", "h2")
            .member("c", "h3")
            .present("b", "c")
            .fenceHost("c", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("paper 2: two VMs on two hosts with two_node, the survivor wins the race")
            .member("a", "h1")
            .member("b", "h2")
            .twoNode()
            .present("b")
            .fenceHost("b", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        // --- Paper 3: physical/virtual, the passive node is a VM on a passive node appliance.
        scenario("paper 3: the physical active node fails; the passive VM holds the quorum disk")
            .member("active", "srv-1")
            .member("passive", "appliance")
            .quorumDisk(1, "passive")
            .present("passive")
            .fenceHost("passive", "active")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("paper 3: the passive VM fails; the active node fences the VM, not the appliance")
            .member("active", "srv-1")
            .member("passive", "appliance")
            .quorumDisk(1, "active")
            .present("active")
            .fenceVm("active", "passive")
            .expect(ALLOWED_VM_LEVEL),
        // --- Paper 4: virtual/physical, the active nodes are VMs on an active node appliance.
        scenario("paper 4: two active VMs on the appliance; power-cycling it leaves 1 < 2")
            .member("v1", "appliance")
            .member("v2", "appliance")
            .member("standby", "srv-3")
            .present("v2", "standby")
            .fenceHost("standby", "v1")
            .expect(REFUSED_SURVIVORS_NOT_QUORATE),
        scenario("paper 4: two active VMs on the appliance; fencing the failed VM alone")
            .member("v1", "appliance")
            .member("v2", "appliance")
            .member("standby", "srv-3")
            .present("v2", "standby")
            .fenceVm("standby", "v1")
            .expect(ALLOWED_VM_LEVEL),
        // --- Paper 5: physical/physical, the cluster manager on the hosts fails VMs over.
        scenario("paper 5: two physical nodes with two_node; the survivor power-cycles the other")
            .member("node-1", "srv-1")
            .member("node-2", "srv-2")
            .twoNode()
            .present("node-2")
            .fenceHost("node-2", "node-1")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("paper 5: the lost node still renews its storage lease: vetoed")
            .member("node-1", "srv-1")
            .member("node-2", "srv-2")
            .twoNode()
            .present("node-2")
            .heartbeat("node-1", Duration.ofSeconds(2))
            .fenceHost("node-2", "node-1")
            .expect(VETO_TARGET_ALIVE),
        // --- DESIGN.md's example: A and B on H1, C on H2; A fails.
        scenario("design example: power-cycling H1 leaves C alone, 1 vote < 2")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .present("b", "c")
            .fenceHost("c", "a")
            .expect(REFUSED_SURVIVORS_NOT_QUORATE),
        scenario("design example: fencing A's VM alone")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .present("b", "c")
            .fenceVm("c", "a")
            .expect(ALLOWED_VM_LEVEL),
        // --- More layouts.
        scenario("a stale heartbeat is no veto")
            .member("node-1", "srv-1")
            .member("node-2", "srv-2")
            .member("node-3", "srv-3")
            .present("node-2", "node-3")
            .heartbeat("node-1", Duration.ofSeconds(30))
            .fenceHost("node-2", "node-1")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("physical/virtual: two physical actives and a passive VM on the appliance")
            .member("p1", "srv-1")
            .member("p2", "srv-2")
            .member("v3", "appliance")
            .present("p1", "p2")
            .fenceHost("p1", "v3")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("virtual/physical with two_node: the survivor may power-cycle the appliance")
            .member("vm", "appliance")
            .member("phys", "srv-2")
            .twoNode()
            .present("phys")
            .fenceHost("phys", "vm")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("the power switch is driven through a proxy on the host to be power-cycled")
            .member("p1", "srv-1")
            .member("p2", "srv-2")
            .member("p3", "srv-3")
            .present("p2", "p3")
            .proxyOn("srv-1")
            .fenceHost("p2", "p1")
            .expect(REFUSED_PROXY_ON_HOST),
        scenario("exactly half after the cycle: tie-breaker highest grants the survivors")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .policy(p -> p.autoTieBreaker(TieBreaker.highest()))
            .allowCollateral()
            .present("b", "c", "d")
            .fenceHost("c", "a")
            .expect(ALLOWED_BY_TIE_BREAKER, "b"),
        scenario("exactly half after the cycle: tie-breaker lowest favours the fenced host")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .policy(p -> p.autoTieBreaker(TieBreaker.lowest()))
            .allowCollateral()
            .present("b", "c", "d")
            .fenceHost("c", "a")
            .expect(REFUSED_BY_TIE_BREAKER),
        scenario("exactly half after the cycle and no tie-breaker at all")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .allowCollateral()
            .present("b", "c", "d")
            .fenceHost("c", "a")
            .expect(REFUSED_BY_TIE_BREAKER),
        scenario("exactly half: the guard's own ordered tie-breaker prefers a survivor")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .allowCollateral()
            .guard(g -> g.tieBreaker(TieBreaker.ordered(4, 3)))
            .present("b", "c", "d")
            .fenceHost("c", "a")
            .expect(ALLOWED_BY_TIE_BREAKER, "b"),
        scenario("four VMs on two hosts, 2+2, auto_tie_breaker lowest: refused at half")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h2")
            .policy(p -> p.autoTieBreaker(TieBreaker.lowest()))
            .allowCollateral()
            .present("b", "c", "d")
            .fenceHost("c", "a")
            .expect(REFUSED_BY_TIE_BREAKER),
        scenario("four VMs on two hosts, 2+2, a quorum disk keeps the survivors quorate")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h2")
            .quorumDisk(1, "c")
            .allowCollateral()
            .present("b", "c", "d")
            .fenceHost("c", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE, "b"),
        scenario("quorum disk master on the host to be cycled: its vote is not counted")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .quorumDisk(1, "b")
            .allowCollateral()
            .present("b", "c", "d")
            .fenceHost("c", "a")
            .expect(REFUSED_SURVIVORS_NOT_QUORATE),
        scenario("a healthy member shares the host and collateral is not allowed")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .member("e", "h4")
            .present("b", "c", "d", "e")
            .fenceHost("c", "a")
            .expect(REFUSED_COLLATERAL),
        scenario("a healthy member shares the host and collateral is allowed")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .member("e", "h4")
            .allowCollateral()
            .present("b", "c", "d", "e")
            .fenceHost("c", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE, "b"),
        scenario("both members of the host are lost: recorded as collateral, no policy needed")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .member("e", "h4")
            .present("c", "d", "e")
            .fenceHost("c", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE, "b"),
        scenario("the other member of the host is gone from view but still heartbeats")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .member("e", "h4")
            .present("c", "d", "e")
            .heartbeat("b", Duration.ofSeconds(1))
            .fenceHost("c", "a")
            .expect(REFUSED_COLLATERAL),
        scenario("five VMs on two hosts, the minority side may not fence")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h1")
            .member("d", "h2")
            .member("e", "h2")
            .present("d", "e")
            .fenceVm("d", "a")
            .expect(REFUSED_NOT_QUORATE),
        scenario("three of five hosts look dead at once: storm brake")
            .member("a", "h1")
            .member("b", "h2")
            .member("c", "h3")
            .member("d", "h4")
            .member("e", "h5")
            .quorumDisk(4, "d")
            .present("d", "e")
            .fenceVm("d", "a")
            .expect(BRAKE_FENCE_STORM),
        scenario("three members migrated onto a live host: the brake counts hosts as they are now")
            .member("a", "h1")
            .member("b", "h2")
            .member("c", "h3")
            .member("d", "h4")
            .member("e", "h5")
            .placement(Map.of("a", "h4", "b", "h4", "c", "h4", "d", "h4", "e", "h5"))
            .quorumDisk(4, "d")
            .present("d", "e")
            .fenceVm("d", "a")
            .expect(ALLOWED_VM_LEVEL),
        scenario("two of four hosts dead is exactly 50%: no brake, the disk keeps quorum")
            .member("a", "h1")
            .member("b", "h2")
            .member("c", "h3")
            .member("d", "h4")
            .quorumDisk(3, "c")
            .present("c", "d")
            .fenceHost("c", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("weighted votes: the heavy member's partition cycles a light member's host")
            .member("a", 3, "h1")
            .member("b", 1, "h2")
            .member("c", 1, "h3")
            .present("a", "c")
            .fenceHost("a", "b")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("weighted votes: without the heavy member the rest is not quorate")
            .member("a", 3, "h1")
            .member("b", 1, "h2")
            .member("c", 1, "h3")
            .present("b", "c")
            .fenceVm("c", "a")
            .expect(REFUSED_NOT_QUORATE),
        scenario("eight VMs on three hosts (3+3+2): cycling the failed VM's host with collateral")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h1")
            .member("d", "h2")
            .member("e", "h2")
            .member("f", "h2")
            .member("g", "h3")
            .member("h", "h3")
            .allowCollateral()
            .present("b", "c", "d", "e", "f", "g", "h")
            .fenceHost("d", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE, "b", "c"),
        scenario("six VMs on three hosts (2+2+2): survivors 4 of 6 reach the threshold 4")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h2")
            .member("e", "h3")
            .member("f", "h3")
            .allowCollateral()
            .present("b", "c", "d", "e", "f")
            .fenceHost("c", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE, "b"),
        scenario("the level's switch powers h5, a healthy member's host, not the target's h1")
            .member("a", "h1")
            .member("b", "h2")
            .member("c", "h3")
            .member("d", "h4")
            .member("e", "h5")
            .allowCollateral()
            .present("b", "c", "d", "e")
            .deviceHost("h5")
            .fenceHost("c", "a")
            .expect(REFUSED_DEVICE_WRONG_HOST),
        scenario("b migrated from h1 to h2: power-cycling h1 now takes a alone, no collateral")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .member("d", "h3")
            .member("e", "h4")
            .placement(java.util.Map.of("a", "h1", "b", "h2", "c", "h2", "d", "h3", "e", "h4"))
            .present("b", "c", "d", "e")
            .fenceHost("c", "a")
            .expect(ALLOWED_SURVIVORS_QUORATE),
        scenario("the target is not a member the guard knows")
            .member("a", "h1")
            .member("b", "h2")
            .member("c", "h3")
            .present("a", "b", "c")
            .fenceVm("a", "zz")
            .expect(REFUSED_UNKNOWN_MEMBER),
        scenario("unfencing from a quorate partition")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .present("b", "c")
            .unfence("c", "a")
            .expect(ALLOWED_UNFENCE),
        scenario("a VM-level fence by a member on the same host is fine")
            .member("a", "h1")
            .member("b", "h1")
            .member("c", "h2")
            .present("b", "c")
            .fenceVm("b", "a")
            .expect(ALLOWED_VM_LEVEL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topologies")
  void decidesWithTheExpectedReason(GuardScenario scenario) {
    scenario.assertDecision();
  }

  @Test
  void theTableCoversAtLeastTwentyDistinctTopologies() {
    assertThat(topologies().map(GuardScenario::layout).distinct().count())
        .isGreaterThanOrEqualTo(20);
  }
}
