package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several fencers of one process act as one through a shared {@link FenceCoordinator#local}: one
 * fence per target (the second reuses the first one's success), one host-level fence in flight, and
 * the quiet time kept in the history file across a restart.
 */
@Timeout(30)
class CoordinatedFencerTest {
  private final FakeClock clock = new FakeClock();
  private final FakeAgent agent = new FakeAgent("fence_fake", clock);
  private final CountDownLatch inside = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private Thread blocked;

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    if (blocked != null) {
      blocked.interrupt();
      blocked.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  private static FenceDevice device(String name, FenceScope scope, String host) {
    return FenceDevice.builder(name, "fence_fake")
        .scope(scope)
        .hosts(host)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  /** node-a: VM level on h1; node-b: host level on h2 with a quiet time; node-c: host on h3. */
  private static FenceTopology topology() {
    TargetPolicy quiet =
        new TargetPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2));
    return FenceTopology.builder()
        .device(device("virsh-h1", FenceScope.VM, "h1"))
        .device(device("ipmi-h2", FenceScope.HOST, "h2"))
        .device(device("ipmi-h3", FenceScope.HOST, "h3"))
        .level("node-a", FenceLevel.of(1, "virsh-h1"))
        .level("node-b", FenceLevel.of(1, "ipmi-h2"))
        .level("node-c", FenceLevel.of(1, "ipmi-h3"))
        // node-a has no quiet time: only the target claim keeps a racing peer from fencing twice.
        .policy("node-b", quiet)
        .build();
  }

  private Fencer fencer(FenceCoordinator coordinator) {
    return Fencer.builder(topology(), FenceAgents.of(agent), FenceGuard.allowAllForTests())
        .coordinator(coordinator)
        .clock(clock)
        .maxAttempts(1)
        .build();
  }

  private static FenceRequest off(String requester, String target) {
    return FenceRequest.of(requester, target, FenceAction.OFF, "lost heartbeat");
  }

  /** The agent holds its first off of {@code device} until {@link #release}. */
  private void holdTheFirstOffOf(String device) {
    agent.beforeCall =
        r -> {
          if (r.device().name().equals(device)
              && r.action() == FenceAction.OFF
              && inside.getCount() > 0) {
            inside.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
  }

  /** Runs a fence on a thread of its own, so the test can watch it wait. */
  private CompletableFuture<FenceResult> start(Fencer fencer, FenceRequest request) {
    CompletableFuture<FenceResult> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(fencer.fence(request));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "fence " + request.target() + " by " + request.requester());
    thread.start();
    blocked = thread;
    return result;
  }

  @Test
  void twoFencersRacingForOneTargetRunTheAgentOnceAndTheSecondReusesTheFirst() throws Exception {
    FenceCoordinator shared = FenceCoordinator.local(FenceHistory.inMemory());
    Fencer first = fencer(shared);
    Fencer second = fencer(shared);
    holdTheFirstOffOf("virsh-h1");

    CompletableFuture<FenceResult> firstResult = start(first, off("node-b", "node-a"));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    Thread firstThread = blocked;
    CompletableFuture<FenceResult> secondResult = start(second, off("node-c", "node-a"));
    Thread secondThread = blocked;
    // The second waits for the target's claim while the first's agent runs.
    await("the second fencer waits for the first one's claim on node-a")
        .atMost(Duration.ofSeconds(10))
        .until(() -> secondThread.getState() == Thread.State.TIMED_WAITING);
    release.countDown();

    FenceResult one = firstResult.get(10, TimeUnit.SECONDS);
    FenceResult two = secondResult.get(10, TimeUnit.SECONDS);
    firstThread.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(one.reason()).as(one.explanation()).isEqualTo(FenceReason.FENCED);
    assertThat(two.reason()).as(two.explanation()).isEqualTo(FenceReason.FENCED_BY_PEER);
    assertThat(two.succeeded()).isTrue();
    assertThat(two.explanation()).contains("node-b fenced node-a", "not fenced twice");
    assertThat(agent.calls)
        .as("the agent ran once")
        .containsExactly("off virsh-h1", "status virsh-h1");
  }

  @Test
  void aSecondHostLevelFenceWhileOneIsInFlightIsRefused() throws Exception {
    FenceCoordinator shared = FenceCoordinator.local(FenceHistory.inMemory());
    Fencer first = fencer(shared);
    Fencer second = fencer(shared);
    holdTheFirstOffOf("ipmi-h2");

    CompletableFuture<FenceResult> firstResult = start(first, off("node-a", "node-b"));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    FenceResult refused = second.fence(off("node-a", "node-c"));
    release.countDown();

    assertThat(refused.reason())
        .as(refused.explanation())
        .isEqualTo(FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT);
    assertThat(refused.explanation()).contains("node-b on [h2]");
    assertThat(firstResult.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(agent.calls).doesNotContain("off ipmi-h3");
    // Once the first is done, the host slot is free again.
    assertThat(second.fence(off("node-a", "node-c")).succeeded()).isTrue();
  }

  @Test
  void theQuietTimeHoldsAcrossAFencerReopenedOnTheSameHistoryFile(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("fence-history.jsonl");
    Fencer before = fencer(FenceCoordinator.local(FenceHistory.open(file)));
    assertThat(before.fence(off("node-c", "node-b")).succeeded()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    agent.calls.clear();

    // The process restarts: a new coordinator and fencer over the same file.
    Fencer after = fencer(FenceCoordinator.local(FenceHistory.open(file)));
    FenceResult again = after.fence(off("node-c", "node-b"));

    assertThat(again.reason()).as(again.explanation()).isEqualTo(FenceReason.REFUSED_QUIET_TIME);
    assertThat(agent.calls).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(after.fence(off("node-c", "node-b")).succeeded()).isTrue();
  }

  @Test
  void theQuietTimeHoldsForAnotherFencerAppendingToTheSameFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("fence-history.jsonl");
    Fencer one = fencer(FenceCoordinator.local(FenceHistory.open(file)));
    Fencer other = fencer(FenceCoordinator.local(FenceHistory.open(file)));

    assertThat(one.fence(off("node-c", "node-b")).succeeded()).isTrue();
    FenceResult again = other.fence(off("node-a", "node-b"));

    assertThat(again.reason()).as(again.explanation()).isEqualTo(FenceReason.REFUSED_QUIET_TIME);
    assertThat(agent.calls).containsExactly("off ipmi-h2", "status ipmi-h2");
  }
}
