package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import dev.quorate.quorum.VoteSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Configuration, refusals without a usable view, the liveness clock, and logging. */
@Timeout(30)
class TopologyFenceGuardTest {
  /** A and B on H1, C on H2: DESIGN.md's example. */
  private final Topology topology =
      Topology.builder().member(1, 1, "h1").member(2, 1, "h1").member(3, 1, "h2").build();

  private final QuorumPolicy policy = QuorumPolicy.builder(topology).build();

  /** The state of C's partition after A failed: B and C, 2 of 3 votes. */
  private QuorumState afterAFailed() {
    QuorumState all = policy.evaluate(policy.initialState(), Membership.ofIds(1, 2, 3), 1);
    return policy.evaluate(all, Membership.ofIds(2, 3), 2);
  }

  private TopologyFenceGuardBuilder guard(Supplier<QuorumState> state) {
    return TopologyFenceGuard.builder(policy, state)
        .member("node-a", 1)
        .member("node-b", 2)
        .member("node-c", 3)
        .dedicatedHosts();
  }

  private static FenceProposal proposal(FenceScope scope) {
    FenceDevice.Builder builder = FenceDevice.builder("dev", "fence_virsh").scope(scope);
    if (scope == FenceScope.HOST) {
      builder.hosts("h1"); // node-a's host
    }
    FenceDevice device = builder.build();
    return new FenceProposal(
        FenceRequest.of("node-c", "node-a", FenceAction.OFF, "lost"),
        FenceLevel.of(1, "dev"),
        List.of(device));
  }

  @Test
  void theDesignExampleExplainsTheNumbers() {
    FenceDecision host = guard(this::afterAFailed).build().decide(proposal(FenceScope.HOST));

    assertThat(host.allowed()).isFalse();
    assertThat(host.reason()).isEqualTo(FenceReason.REFUSED_SURVIVORS_NOT_QUORATE);
    assertThat(host.explanation())
        .contains("h1", "[node-a, node-b]", "[node-c]", "1 vote", "threshold 2", "VM");
  }

  @Test
  void withoutAQuorumStateEveryLevelIsRefused() {
    FenceDecision none = guard(() -> null).build().decide(proposal(FenceScope.VM));
    assertThat(none.reason()).isEqualTo(FenceReason.REFUSED_NO_QUORUM_STATE);

    FenceDecision failing =
        guard(
                () -> {
                  throw new IllegalStateException("membership source closed");
                })
            .build()
            .decide(proposal(FenceScope.VM));
    assertThat(failing.reason()).isEqualTo(FenceReason.REFUSED_NO_QUORUM_STATE);
    assertThat(failing.explanation()).contains("membership source closed");
  }

  @Test
  void aStateFromAnotherTopologyIsRefused() {
    Topology bigger = Topology.builder().member(1, 1, "h1").member(9, 1, "h9").build();
    QuorumPolicy other = QuorumPolicy.builder(bigger).build();
    QuorumState foreign = other.evaluate(other.initialState(), Membership.ofIds(1, 9), 1);

    FenceDecision decision = guard(() -> foreign).build().decide(proposal(FenceScope.VM));

    assertThat(decision.reason()).isEqualTo(FenceReason.REFUSED_NO_QUORUM_STATE);
    assertThat(decision.explanation()).contains("[9]");
  }

  @Test
  void anUnknownRequesterIsRefused() {
    FenceProposal stranger =
        new FenceProposal(
            FenceRequest.of("node-x", "node-a", FenceAction.OFF, "lost"),
            FenceLevel.of(1, "dev"),
            List.of(FenceDevice.builder("dev", "fence_virsh").build()));

    FenceDecision decision = guard(this::afterAFailed).build().decide(stranger);

    assertThat(decision.reason()).isEqualTo(FenceReason.REFUSED_UNKNOWN_MEMBER);
    assertThat(decision.explanation()).contains("node-x", "node-a", "node-c");
  }

  @Test
  void aRequesterOutsideThePartitionIsRefused() {
    FenceProposal fromA =
        new FenceProposal(
            FenceRequest.of("node-a", "node-b", FenceAction.OFF, "lost"),
            FenceLevel.of(1, "dev"),
            List.of(FenceDevice.builder("dev", "fence_virsh").build()));

    FenceDecision decision = guard(this::afterAFailed).build().decide(fromA);

    assertThat(decision.reason()).isEqualTo(FenceReason.REFUSED_NOT_QUORATE);
    assertThat(decision.explanation()).contains("not in the current partition");
  }

  @Test
  void livenessAgesOnTheInjectedClockAndAFailingSourceRefuses() {
    AtomicLong now = new AtomicLong(Duration.ofMinutes(5).toNanos());
    long seen = now.get();
    TopologyFenceGuard guard =
        guard(this::afterAFailed)
            .clock(now::get)
            .livenessWindow(Duration.ofSeconds(5))
            .livenessSource(id -> id.value() == 1 ? OptionalLong.of(seen) : OptionalLong.empty())
            .build();

    assertThat(guard.decide(proposal(FenceScope.VM)).reason())
        .isEqualTo(FenceReason.VETO_TARGET_ALIVE);
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(guard.decide(proposal(FenceScope.VM)).reason())
        .isEqualTo(FenceReason.VETO_TARGET_ALIVE);
    now.addAndGet(1);
    assertThat(guard.decide(proposal(FenceScope.VM)).reason())
        .isEqualTo(FenceReason.ALLOWED_VM_LEVEL);

    TopologyFenceGuard broken =
        guard(this::afterAFailed)
            .livenessSource(
                id -> {
                  throw new IllegalStateException("qdisk read timed out");
                })
            .build();
    FenceDecision unknown = broken.decide(proposal(FenceScope.VM));
    assertThat(unknown.reason()).isEqualTo(FenceReason.REFUSED_LIVENESS_UNKNOWN);
    assertThat(unknown.explanation()).contains("qdisk read timed out");
  }

  @Test
  void aFailingVoteSourceRefusesInsteadOfThrowing() {
    Topology three =
        Topology.builder().member(1, 1, "h1").member(2, 1, "h2").member(3, 1, "h3").build();
    AtomicLong calls = new AtomicLong();
    VoteSource flaky =
        VoteSource.toPartitionOf(
            "qdisk",
            1,
            () -> {
              if (calls.incrementAndGet() > 2) {
                throw new IllegalStateException("disk gone");
              }
              return Optional.of(dev.quorate.quorum.MemberId.of(2));
            });
    QuorumPolicy withDisk = QuorumPolicy.builder(three).voteSource(flaky).build();
    QuorumState all =
        withDisk.evaluate(
            withDisk.initialState(), Membership.ofIds(1, 2, 3).withVoteSources(Set.of("qdisk")), 1);
    QuorumState state =
        withDisk.evaluate(all, Membership.ofIds(2, 3).withVoteSources(Set.of("qdisk")), 2);
    TopologyFenceGuard guard =
        TopologyFenceGuard.builder(withDisk, () -> state)
            .member("node-a", 1)
            .member("node-b", 2)
            .member("node-c", 3)
            .dedicatedHosts()
            .build();
    calls.set(10);

    FenceDecision decision = guard.decide(proposal(FenceScope.HOST));

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason()).isEqualTo(FenceReason.REFUSED_GUARD_FAILED);
    assertThat(decision.explanation()).contains("disk gone");
  }

  @Test
  void everyDecisionIsLoggedRefusalsAtWarn() {
    try (LogCapture logs = new LogCapture()) {
      TopologyFenceGuard guard = guard(this::afterAFailed).build();
      guard.decide(proposal(FenceScope.HOST));
      guard.decide(proposal(FenceScope.VM));

      assertThat(logs.lines())
          .anySatisfy(
              l -> assertThat(l).contains("refuses level 1", "REFUSED_SURVIVORS_NOT_QUORATE"))
          .anySatisfy(l -> assertThat(l).contains("allows level 1", "ALLOWED_VM_LEVEL"));
    }
  }

  @Test
  void warnsAboutHostsWhoseLossCostsQuorumAndAMissingLivenessSource() {
    TopologyFenceGuard guard = guard(this::afterAFailed).build();

    assertThat(guard.warnings())
        .anySatisfy(
            w -> assertThat(w).contains("host h1 runs members [node-a, node-b]", "threshold 2"))
        .anySatisfy(w -> assertThat(w).contains("no liveness source"))
        .noneSatisfy(w -> assertThat(w).contains("host h2"));
  }

  @Test
  void twoNodeWithBothMembersOnOneHostIsRefusedByThePolicy() {
    Topology oneHost = Topology.builder().member(1, 1, "hv").member(2, 1, "hv").build();

    assertThatThrownBy(() -> QuorumPolicy.builder(oneHost).twoNode(true).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("both members on host hv");
  }

  @Test
  void theBuilderRefusesIncompleteOrContradictoryNames() {
    assertThatThrownBy(
            () -> TopologyFenceGuard.builder(policy, this::afterAFailed).member("a", 1).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("[2, 3]")
        .hasMessageContaining("no name");
    assertThatThrownBy(() -> guard(this::afterAFailed).member("node-d", 4).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("id 4 is not in the topology");
    assertThatThrownBy(() -> guard(this::afterAFailed).member("node-a", 2).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> guard(this::afterAFailed).member("node-z", 1).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("already named 'node-a'");
    assertThatThrownBy(() -> guard(this::afterAFailed).member("bad name", 1).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("bad name");
  }

  @Test
  void theBuilderRefusesOutOfRangeSettings() {
    TopologyFenceGuardBuilder builder = guard(this::afterAFailed);
    assertThatThrownBy(() -> builder.stormBrakePercent(0))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("storm_brake_percent: 0");
    assertThatThrownBy(() -> builder.stormBrakePercent(101))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> builder.livenessWindow(Duration.ZERO))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("liveness_window");
    assertThatThrownBy(() -> builder.deviceProxy("ipmi", "h 1"))
        .isInstanceOf(ConfigurationException.class);
    builder.deviceProxy("ipmi", "h2");
    assertThatThrownBy(() -> builder.deviceProxy("ipmi", "h3"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("declared twice");
    assertThatThrownBy(() -> builder.tieBreaker(dev.quorate.quorum.TieBreaker.ordered(7)))
        .isInstanceOf(ConfigurationException.class);
  }
}
