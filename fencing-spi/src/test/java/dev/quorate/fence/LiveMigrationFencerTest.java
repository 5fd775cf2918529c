package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A VM live-migrates between the guard's decision and the agent, through a real {@link Fencer} and
 * {@link TopologyFenceGuard}: the fencer's recheck sees the new placement and refuses with {@link
 * FenceReason#REFUSED_PLACEMENT_CHANGED} before any agent runs.
 */
@Timeout(30)
class LiveMigrationFencerTest {
  private final FakeClock clock = new FakeClock();
  private final FakeAgent agent = new FakeAgent("fence_fake", clock);
  private final FenceHistory history = FenceHistory.inMemory();

  /** Where the hypervisors say the VMs run now; a migration replaces it. */
  private final AtomicReference<Map<String, String>> hypervisors =
      new AtomicReference<>(Map.of("node-a", "h1", "node-b", "h2", "node-c", "h3"));

  private final QuorumPolicy policy =
      QuorumPolicy.builder(
              Topology.builder().member(1, 1, "h1").member(2, 1, "h2").member(3, 1, "h3").build())
          .build();
  private final QuorumState everyone =
      policy.evaluate(policy.initialState(), Membership.ofIds(1, 2, 3), 1);

  /** The requester's quorum state: node-b and node-c after node-a was lost. */
  private final AtomicReference<QuorumState> quorum =
      new AtomicReference<>(policy.evaluate(everyone, Membership.ofIds(2, 3), 2));

  /** node-a on h1, node-b on h2, node-c on h3; node-a is lost, node-c fences it. */
  private TopologyFenceGuard guard() {
    return guard(
        new PlacementSource() {
          @Override
          public Placement read() {
            return new Placement(hypervisors.get(), clock.nanoTime());
          }
        });
  }

  private TopologyFenceGuard guard(PlacementSource placement) {
    return TopologyFenceGuard.builder(policy, quorum::get)
        .member("node-a", 1)
        .member("node-b", 2)
        .member("node-c", 3)
        .placement(placement)
        .dedicatedHosts()
        .clock(clock::nanoTime)
        .build();
  }

  /** The guard, with a migration that completes right after each decision is made. */
  private static FenceGuard migratingAfterTheDecision(FenceGuard guard, Runnable migration) {
    return new FenceGuard() {
      @Override
      public FenceDecision decide(FenceProposal proposal) {
        FenceDecision decision = guard.decide(proposal);
        migration.run();
        return decision;
      }

      @Override
      public FenceDecision recheck(FenceProposal proposal, FenceDecision allowed) {
        return guard.recheck(proposal, allowed);
      }

      @Override
      public void check(FenceTopology topology) {
        guard.check(topology);
      }
    };
  }

  private static FenceTopology level(FenceScope scope, String device, String host) {
    return FenceTopology.builder()
        .device(
            FenceDevice.builder(device, "fence_fake")
                .scope(scope)
                .hosts(host)
                .timeout(Duration.ofSeconds(10))
                .build())
        .level("node-a", FenceLevel.of(1, device))
        .build();
  }

  private FenceResult fence(FenceTopology topology, FenceGuard guard) throws Exception {
    Fencer fencer =
        Fencer.builder(topology, FenceAgents.of(agent), guard)
            .history(history)
            .clock(clock)
            .maxAttempts(1)
            .build();
    return fencer.fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "lost heartbeat"));
  }

  private void migrate(String member, String host) {
    hypervisors.updateAndGet(
        before -> {
          Map<String, String> after = new java.util.TreeMap<>(before);
          after.put(member, host);
          return Map.copyOf(after);
        });
  }

  @Test
  void withoutAMigrationTheHostLevelFenceRuns() throws Exception {
    FenceResult result = fence(level(FenceScope.HOST, "ipmi-h1", "h1"), guard());

    assertThat(result.reason()).as(result.explanation()).isEqualTo(FenceReason.FENCED);
    assertThat(agent.calls).containsExactly("off ipmi-h1", "status ipmi-h1");
  }

  @Test
  void eachDecisionIsLoggedOnceAndAWithdrawalOnce() throws Exception {
    // Regression: the recheck right before the agent logged the whole decision a second time.
    try (LogCapture logs = new LogCapture()) {
      fence(level(FenceScope.HOST, "ipmi-h1", "h1"), guard());

      assertThat(logs.lines()).filteredOn(LiveMigrationFencerTest::guardDecision).hasSize(1);
    }
    try (LogCapture logs = new LogCapture()) {
      fence(
          level(FenceScope.HOST, "ipmi-h1", "h1"),
          migratingAfterTheDecision(guard(), () -> migrate("node-a", "h2")));

      assertThat(logs.lines())
          .filteredOn(LiveMigrationFencerTest::guardDecision)
          .satisfiesExactly(
              decided -> assertThat(decided).startsWith("fence guard allows level 1"),
              withdrawn ->
                  assertThat(withdrawn)
                      .startsWith("fence guard withdraws its decision for node-a")
                      .contains("REFUSED_PLACEMENT_CHANGED"));
    }
  }

  private static boolean guardDecision(String line) {
    return line.matches("fence guard (allows|refuses|withdraws) .*");
  }

  @Test
  void theTargetMigratesOffTheHostToBePowerCycled() throws Exception {
    FenceGuard guard = migratingAfterTheDecision(guard(), () -> migrate("node-a", "h2"));

    FenceResult result = fence(level(FenceScope.HOST, "ipmi-h1", "h1"), guard);

    assertThat(result.status()).isEqualTo(FenceResult.Status.REFUSED);
    assertThat(result.reason())
        .as(result.explanation())
        .isEqualTo(FenceReason.REFUSED_PLACEMENT_CHANGED);
    assertThat(result.explanation())
        .contains("node-a h1 -> h2", "decided again: REFUSED_DEVICE_WRONG_HOST");
    assertThat(agent.calls).as("the agent saw no request").isEmpty();
    assertThat(result.outcomes()).isEmpty();
    assertThat(history.forTarget("node-a"))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(FenceReason.REFUSED_PLACEMENT_CHANGED));
  }

  @Test
  void aHealthyMemberMigratesOntoTheHostToBePowerCycled() throws Exception {
    FenceGuard guard = migratingAfterTheDecision(guard(), () -> migrate("node-b", "h1"));

    FenceResult result = fence(level(FenceScope.HOST, "ipmi-h1", "h1"), guard);

    assertThat(result.reason())
        .as(result.explanation())
        .isEqualTo(FenceReason.REFUSED_PLACEMENT_CHANGED);
    assertThat(result.explanation()).contains("node-b -> h1");
    assertThat(agent.calls).as("the agent saw no request").isEmpty();
  }

  @Test
  void theTargetMigratesAwayFromTheHypervisorItsVmDeviceReaches() throws Exception {
    FenceGuard guard = migratingAfterTheDecision(guard(), () -> migrate("node-a", "h3"));

    FenceResult result = fence(level(FenceScope.VM, "virsh-h1", "h1"), guard);

    assertThat(result.reason())
        .as(result.explanation())
        .isEqualTo(FenceReason.REFUSED_PLACEMENT_CHANGED);
    assertThat(result.explanation()).contains("node-a h1 -> h3");
    assertThat(agent.calls).as("the agent saw no request").isEmpty();
  }

  @Test
  void aMoveThatTheDecisionDidNotRelyOnChangesNothing() throws Exception {
    // node-b moves from h2 to h4: neither is powered by the level, and node-b stays a survivor.
    FenceGuard guard = migratingAfterTheDecision(guard(), () -> migrate("node-b", "h4"));

    FenceResult result = fence(level(FenceScope.HOST, "ipmi-h1", "h1"), guard);

    assertThat(result.reason()).as(result.explanation()).isEqualTo(FenceReason.FENCED);
    assertThat(agent.calls).containsExactly("off ipmi-h1", "status ipmi-h1");
  }

  @Test
  void whenNothingMovedTheRecheckKeepsTheNewDecisionsOwnReason() throws Exception {
    // Regression: the recheck called any refusal a placement change ("node-a h1 -> ?").
    FenceGuard guard =
        migratingAfterTheDecision(
            guard(), () -> quorum.set(policy.evaluate(quorum.get(), Membership.ofIds(3), 3)));

    FenceResult result = fence(level(FenceScope.HOST, "ipmi-h1", "h1"), guard);

    assertThat(result.reason()).as(result.explanation()).isEqualTo(FenceReason.REFUSED_NOT_QUORATE);
    assertThat(result.explanation()).doesNotContain("moved");
    assertThat(agent.calls).isEmpty();
  }

  @Test
  void anUnreadablePlacementDoesNotFailTheBuildButRefusesTheHostLevel() throws Exception {
    // Regression: the build-time device check threw the placement source's exception.
    PlacementSource down =
        () -> {
          throw new IllegalStateException("hypervisor manager unreachable");
        };

    FenceResult result = fence(level(FenceScope.HOST, "ipmi-h1", "h1"), guard(down));

    assertThat(result.reason())
        .as(result.explanation())
        .isEqualTo(FenceReason.REFUSED_PLACEMENT_UNKNOWN);
    assertThat(result.explanation()).contains("hypervisor manager unreachable");
    assertThat(agent.calls).isEmpty();
  }
}
