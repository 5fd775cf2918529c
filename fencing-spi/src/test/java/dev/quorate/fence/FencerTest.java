package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class FencerTest {
  private final FakeClock clock = new FakeClock();
  private final FakeAgent agent = new FakeAgent("fence_fake", clock);
  private final FenceHistory history = FenceHistory.inMemory();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static FenceDevice device(String name, FenceScope scope) {
    FenceDevice.Builder builder = FenceDevice.builder(name, "fence_fake").scope(scope);
    if (scope == FenceScope.HOST) {
      builder.hosts("h-" + name); // these tests' guards do not look at hosts
    }
    return builder.plugs(PlugMapping.none()).timeout(Duration.ofSeconds(10)).build();
  }

  private FenceTopology.Builder twoLevels() {
    return FenceTopology.builder()
        .device(device("virsh", FenceScope.VM))
        .device(device("pdu-a", FenceScope.HOST))
        .device(device("pdu-b", FenceScope.HOST))
        .level("node-a", FenceLevel.of(1, "virsh"))
        .level("node-a", FenceLevel.of(2, "pdu-a", "pdu-b"));
  }

  private FencerBuilder fencer(FenceTopology topology, FenceGuard guard) {
    return Fencer.builder(topology, FenceAgents.of(agent), guard)
        .history(history)
        .clock(clock)
        .retryPause(Duration.ofSeconds(1));
  }

  private static FenceRequest off(String target) {
    return FenceRequest.of("node-c", target, FenceAction.OFF, "missed heartbeats");
  }

  @Test
  void offIsVerifiedWithStatusAndRecorded() throws Exception {
    FenceResult result =
        fencer(twoLevels().build(), FenceGuard.allowAllForTests()).build().fence(off("node-a"));

    assertThat(result.status()).isEqualTo(FenceResult.Status.SUCCEEDED);
    assertThat(result.reason()).isEqualTo(FenceReason.FENCED);
    assertThat(result.level()).isEqualTo(1);
    assertThat(agent.calls).containsExactly("off virsh", "status virsh");
    assertThat(history.forTarget("node-a"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.requester()).isEqualTo("node-c");
              assertThat(r.devices()).containsExactly("virsh");
              assertThat(r.status()).isEqualTo(FenceResult.Status.SUCCEEDED);
            });
  }

  @Test
  void aFailedLevelIsRetriedThenTheNextLevelRuns() throws Exception {
    agent.failing.add("off virsh");
    FenceResult result =
        fencer(twoLevels().build(), FenceGuard.allowAllForTests())
            .maxAttempts(2)
            .build()
            .fence(off("node-a"));

    assertThat(result.level()).isEqualTo(2);
    assertThat(result.succeeded()).isTrue();
    assertThat(agent.calls)
        .containsExactly(
            "off virsh",
            "status virsh",
            "off virsh",
            "status virsh",
            "off pdu-a",
            "off pdu-b",
            "status pdu-a",
            "status pdu-b");
    assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(1));
    assertThat(history.forTarget("node-a"))
        .extracting(FenceRecord::level, FenceRecord::status, FenceRecord::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                1, FenceResult.Status.FAILED, FenceReason.AGENT_FAILED),
            org.assertj.core.groups.Tuple.tuple(
                2, FenceResult.Status.SUCCEEDED, FenceReason.FENCED));
  }

  @Test
  void multiDeviceRebootIsAllOffVerifyThenAllOn() throws Exception {
    FenceTopology topology =
        FenceTopology.builder()
            .device(device("pdu-a", FenceScope.HOST))
            .device(device("pdu-b", FenceScope.HOST))
            .level("node-a", FenceLevel.of(1, "pdu-a", "pdu-b"))
            .build();
    agent.failing.add("on pdu-b");
    FenceResult result =
        fencer(topology, FenceGuard.allowAllForTests())
            .build()
            .fence(FenceRequest.of("node-c", "node-a", FenceAction.REBOOT, "hung"));

    assertThat(agent.calls)
        .containsExactly(
            "off pdu-a", "off pdu-b", "status pdu-a", "status pdu-b", "on pdu-a", "on pdu-b");
    // Success is judged on the off phase; the failed on is only reported.
    assertThat(result.succeeded()).isTrue();
    assertThat(result.explanation()).contains("on failed");
  }

  @Test
  void anOffThatStatusDoesNotConfirmFailsVerification() throws Exception {
    agent.stuckOn.add("virsh");
    FenceTopology topology =
        FenceTopology.builder()
            .device(device("virsh", FenceScope.VM))
            .level("node-a", FenceLevel.of(1, "virsh"))
            .build();
    FenceResult result =
        fencer(topology, FenceGuard.allowAllForTests()).maxAttempts(1).build().fence(off("node-a"));

    assertThat(result.status()).isEqualTo(FenceResult.Status.FAILED);
    assertThat(result.reason()).isEqualTo(FenceReason.VERIFY_FAILED);
  }

  @Test
  void aRefusedLevelRunsNoAgentAndTheRefusalIsRecorded() throws Exception {
    FenceGuard vmOnly =
        p ->
            p.scope() == FenceScope.VM
                ? FenceDecision.refuse(FenceReason.VETO_TARGET_ALIVE, "node-a heartbeats")
                : FenceDecision.refuse(FenceReason.REFUSED_SURVIVORS_NOT_QUORATE, "1 vote < 2");
    FenceResult result = fencer(twoLevels().build(), vmOnly).build().fence(off("node-a"));

    assertThat(agent.calls).isEmpty();
    assertThat(result.status()).isEqualTo(FenceResult.Status.REFUSED);
    assertThat(result.reason()).isEqualTo(FenceReason.REFUSED_SURVIVORS_NOT_QUORATE);
    assertThat(history.forTarget("node-a"))
        .extracting(FenceRecord::reason)
        .containsExactly(FenceReason.VETO_TARGET_ALIVE, FenceReason.REFUSED_SURVIVORS_NOT_QUORATE);
  }

  @Test
  void delayIsBasePlusRandomWithinMaxPlusPriority() throws Exception {
    FenceTopology topology =
        twoLevels()
            .policy(
                "node-a",
                new TargetPolicy(
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10),
                    Duration.ZERO))
            .build();
    RandomGenerator fixed =
        new RandomGenerator() {
          @Override
          public long nextLong() {
            return 0;
          }

          @Override
          public long nextLong(long bound) {
            assertThat(bound).isEqualTo(3001); // up to max - base, inclusive
            return 1500;
          }
        };
    fencer(topology, FenceGuard.allowAllForTests()).random(fixed).build().fence(off("node-a"));

    assertThat(clock.sleeps).containsExactly(Duration.ofMillis(2000 + 1500 + 10_000));
  }

  @Test
  void unfencingHasNoDelayAndPowersOn() throws Exception {
    FenceTopology topology =
        twoLevels()
            .policy(
                "node-a",
                new TargetPolicy(
                    Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO, Duration.ZERO))
            .build();
    FenceResult result =
        fencer(topology, FenceGuard.allowAllForTests())
            .build()
            .fence(FenceRequest.of("node-c", "node-a", FenceAction.ON, "rejoined"));

    assertThat(result.reason()).isEqualTo(FenceReason.UNFENCED);
    assertThat(clock.sleeps).isEmpty();
    assertThat(agent.calls).containsExactly("on virsh");
  }

  @Test
  void quietTimeRefusesAnotherFenceOfTheSameTargetUntilItPasses() throws Exception {
    FenceTopology topology =
        twoLevels()
            .policy(
                "node-a",
                new TargetPolicy(
                    Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2)))
            .build();
    Fencer fencer = fencer(topology, FenceGuard.allowAllForTests()).build();
    assertThat(fencer.fence(off("node-a")).succeeded()).isTrue();
    agent.calls.clear();

    FenceResult again = fencer.fence(off("node-a"));
    assertThat(again.reason()).isEqualTo(FenceReason.REFUSED_QUIET_TIME);
    assertThat(agent.calls).isEmpty();

    clock.advance(Duration.ofMinutes(2));
    assertThat(fencer.fence(off("node-a")).succeeded()).isTrue();
  }

  @Test
  void quietTimeSurvivesARestartThroughThePersistentHistory(@TempDir Path dir) throws Exception {
    FenceTopology topology =
        twoLevels()
            .policy(
                "node-a",
                new TargetPolicy(
                    Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2)))
            .build();
    Path file = dir.resolve("fence-history.jsonl");
    Fencer before =
        fencer(topology, FenceGuard.allowAllForTests()).history(FenceHistory.open(file)).build();
    assertThat(before.fence(off("node-a")).succeeded()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    agent.calls.clear();

    // A new fencer (the process restarted) reads the file and still honours the quiet time.
    Fencer after =
        fencer(topology, FenceGuard.allowAllForTests()).history(FenceHistory.open(file)).build();
    FenceResult again = after.fence(off("node-a"));
    assertThat(again.reason()).isEqualTo(FenceReason.REFUSED_QUIET_TIME);
    assertThat(agent.calls).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    assertThat(after.fence(off("node-a")).succeeded()).isTrue();
  }

  @Test
  void anUnfenceInTheHistoryStartsNoQuietTime() throws Exception {
    TargetPolicy quiet =
        new TargetPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2));
    FenceTopology topology = twoLevels().policy("node-a", quiet).build();
    fencer(topology, FenceGuard.allowAllForTests())
        .build()
        .fence(FenceRequest.of("node-c", "node-a", FenceAction.ON, "rejoined"));

    FenceResult result =
        fencer(topology, FenceGuard.allowAllForTests()).build().fence(off("node-a"));
    assertThat(result.succeeded()).isTrue();
  }

  @Test
  void retriesStopAtTheDeadline() throws Exception {
    agent.failing.add("off virsh");
    agent.failing.add("off pdu-a");
    agent.callCost = Duration.ofSeconds(4);
    FenceResult result =
        fencer(twoLevels().build(), FenceGuard.allowAllForTests())
            .deadline(Duration.ofSeconds(20))
            .maxAttempts(10)
            .build()
            .fence(off("node-a"));

    assertThat(result.status()).isEqualTo(FenceResult.Status.TIMED_OUT);
    assertThat(result.reason()).isEqualTo(FenceReason.DEADLINE_EXCEEDED);
    assertThat(agent.calls.size()).isLessThan(10);
  }

  @Test
  void dynamicListAndHostMapResolvePlugs() throws Exception {
    FenceTopology topology =
        FenceTopology.builder()
            .device(
                FenceDevice.builder("hv", "fence_fake").plugs(PlugMapping.dynamicList()).build())
            .device(
                FenceDevice.builder("map", "fence_fake")
                    .plugs(PlugMapping.hostMap(Map.of("node-b", "vm-202")))
                    .build())
            .level("node-b", FenceLevel.of(1, "hv", "map"))
            .build();
    fencer(topology, FenceGuard.allowAllForTests()).build().fence(off("node-b"));

    assertThat(agent.calls)
        .containsExactly(
            "list hv", "off hv/vm-2", "off map/vm-202", "status hv/vm-2", "status map/vm-202");
  }

  @Test
  void aMissingPlugFailsTheLevelBeforeAnyPowerChange() throws Exception {
    FenceTopology topology =
        FenceTopology.builder()
            .device(FenceDevice.builder("hv", "fence_fake").build())
            .device(
                FenceDevice.builder("list", "fence_fake")
                    .plugs(PlugMapping.staticList(java.util.Set.of("node-x")))
                    .build())
            .level("node-b", FenceLevel.of(1, "hv", "list"))
            .build();
    FenceResult result =
        fencer(topology, FenceGuard.allowAllForTests()).maxAttempts(1).build().fence(off("node-b"));

    assertThat(result.reason()).isEqualTo(FenceReason.PLUG_NOT_FOUND);
    assertThat(agent.calls).isEmpty();
  }

  @Test
  void onlyOneHostLevelFenceIsInFlight() throws Exception {
    FenceTopology topology =
        FenceTopology.builder()
            .device(device("ipmi-1", FenceScope.HOST))
            .device(device("ipmi-2", FenceScope.HOST))
            .level("node-a", FenceLevel.of(1, "ipmi-1"))
            .level("node-b", FenceLevel.of(1, "ipmi-2"))
            .build();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    agent.beforeCall =
        r -> {
          if (r.device().name().equals("ipmi-1") && r.action() == FenceAction.OFF) {
            inside.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    Fencer fencer = fencer(topology, FenceGuard.allowAllForTests()).build();
    Future<FenceResult> first = pool.submit(() -> fencer.fence(off("node-a")));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

    FenceResult second = fencer.fence(off("node-b"));
    release.countDown();

    assertThat(second.reason()).isEqualTo(FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT);
    assertThat(first.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(fencer.fence(off("node-b")).succeeded()).isTrue();
  }

  @Test
  void collateralMembersAreRecordedAsFenced() throws Exception {
    FenceGuard withCollateral =
        p ->
            new FenceDecision(
                true,
                FenceReason.ALLOWED_SURVIVORS_QUORATE,
                "2 of 3 votes remain",
                java.util.Set.of("node-d"));
    fencer(twoLevels().build(), withCollateral).build().fence(off("node-a"));

    assertThat(history.forTarget("node-d"))
        .singleElement()
        .satisfies(r -> assertThat(r.explanation()).contains("collateral"));
  }

  @Test
  void aTargetWithoutLevelsOrAnUnknownAgentIsAConfigurationError() {
    Fencer fencer = fencer(twoLevels().build(), FenceGuard.allowAllForTests()).build();
    assertThatThrownBy(() -> fencer.fence(off("node-z")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("node-z");

    FenceTopology unknown =
        FenceTopology.builder()
            .device(FenceDevice.builder("x", "fence_nowhere").build())
            .level("node-a", FenceLevel.of(1, "x"))
            .build();
    assertThatThrownBy(
            () -> fencer(unknown, FenceGuard.allowAllForTests()).build().fence(off("node-a")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("fence_nowhere");
  }

  @Test
  void topologyRejectsUnknownDevicesAndDuplicateLevels() {
    assertThatThrownBy(
            () -> FenceTopology.builder().level("node-a", FenceLevel.of(1, "ghost")).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("ghost");
    assertThatThrownBy(() -> FenceLevel.of(10, "x"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("1 to 9");
    assertThatThrownBy(() -> twoLevels().level("node-a", FenceLevel.of(2, "virsh")).build())
        .hasMessageContaining("two levels with index 2");
  }

  @Test
  void serviceLoaderFindsRegisteredAgents() {
    FenceAgents agents = FenceAgents.load();
    assertThat(agents.registeredNames()).contains("fence_service_loaded");
    assertThat(agents.agent("fence_service_loaded")).isInstanceOf(ServiceLoadedTestAgent.class);
    assertThatThrownBy(() -> agents.agent("../bin/sh")).isInstanceOf(ConfigurationException.class);
  }
}
