package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecoveryGate;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.RecoveryGate;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No recovery before the fence, on a real ZooKeeper server with a real {@link Fencer} running
 * Debian's fence_dummy as a process: member A holds a gated lock and its session is expired on the
 * server; member B asks for the lock and is not granted until A is fenced (or, when the agent
 * fails, until an operator confirms A down). A clean release is never gated. Without a gate, B is
 * granted at once: that is the grant the gate withholds.
 */
@Timeout(120)
class RecoveryGateIT {
  private static final Path FENCE_DUMMY = Path.of("/usr/sbin/fence_dummy");
  private static final Duration SESSION = Duration.ofSeconds(10);
  private static final Duration WITHHELD_FOR = Duration.ofSeconds(2);
  private static final String CONTAINER = "/quorate/locks/";
  private static TestingServer server;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  /**
   * Only the tests that run a real fence agent need fence_dummy; on CI its absence is a failure,
   * elsewhere it skips just those tests.
   */
  private static void requireFenceDummy() {
    if (!Files.isExecutable(FENCE_DUMMY)) {
      String message =
          FENCE_DUMMY
              + " is missing: install Debian's fence-agents package (apt-get install fence-agents)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withheldUntilTheFenceSucceedsThenGrantedWithANewerToken() throws Exception {
    Fencer fencer = fencer(false);
    CountingGate gate = new CountingGate(FenceRecoveryGate.of(fencer.history()));
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-1", options).acquire(LockMode.EX);
      assertThat(holderRecords(b, "web-1")).hasSize(1);

      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      // A's node is gone, so the queue alone would grant B at once; the gate must not.
      assertThat(b.manager.lock("web-1", options).tryAcquire(LockMode.EX, WITHHELD_FOR))
          .as("B granted while A is lost and not fenced")
          .isEmpty();
      assertThat(gate.asked()).as("the gate was asked about A").isPositive();
      assertThat(gate.owners).containsOnly("node-a");
      assertThat(b.manager.lock("web-1", options).tryAcquire(LockMode.EX, Duration.ZERO))
          .as("a request that may not wait fails at once while withheld")
          .isEmpty();

      CompletableFuture<Lease> waiting = b.manager.lock("web-1", options).acquireAsync(LockMode.EX);
      FenceResult fenced =
          fencer.fence(
              FenceRequest.of("node-b", "node-a", FenceAction.OFF, "session lost holding web-1"));
      assertThat(fenced.reason()).as(fenced.explanation()).isEqualTo(FenceReason.FENCED);
      assertThat(Files.readString(dir.resolve("node-a.power"))).isEqualTo("off");

      Lease granted = waiting.get(SESSION.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(granted.state()).isEqualTo(LeaseState.GRANTED);
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      // B's record replaced A's in one transaction; B's clean release removes B's.
      assertThat(holderRecords(b, "web-1")).hasSize(1);
      granted.release();
      assertThat(holderRecords(b, "web-1")).isEmpty();
    }
  }

  @Test
  void whenTheAgentFailsWithheldUntilAnOperatorConfirms() throws Exception {
    Fencer fencer = fencer(true);
    CountingGate gate = new CountingGate(FenceRecoveryGate.of(fencer.history()));
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-2", options).acquire(LockMode.EX);
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      FenceResult failed =
          fencer.fence(
              FenceRequest.of("node-b", "node-a", FenceAction.OFF, "session lost holding web-2"));
      assertThat(failed.succeeded()).as(failed.explanation()).isFalse();

      int askedBefore = gate.asked();
      assertThat(b.manager.lock("web-2", options).tryAcquire(LockMode.EX, WITHHELD_FOR))
          .as("B granted after a failed fence of A")
          .isEmpty();
      assertThat(gate.asked()).isGreaterThan(askedBefore);

      CompletableFuture<Lease> waiting = b.manager.lock("web-2", options).acquireAsync(LockMode.EX);
      fencer.confirm("node-a", "operator-x", "VM destroyed by hand on its hypervisor");

      Lease granted = waiting.get(SESSION.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      granted.release();
    }
  }

  @Test
  void aCleanReleaseIsNeverGated() throws Exception {
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> false);
    CountDownLatch blocked = new CountDownLatch(1);
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held =
          a.manager
              .lock(
                  "web-3",
                  LockOptions.builder()
                      .recoveryGate(gate)
                      .onBlocking((lease, wanted) -> blocked.countDown())
                      .build())
              .acquire(LockMode.EX);
      CompletableFuture<Lease> waiting = b.manager.lock("web-3", options).acquireAsync(LockMode.EX);
      assertThat(blocked.await(SESSION.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      assertThat(waiting).isNotDone();

      held.release();

      Lease granted = waiting.get(SESSION.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      assertThat(gate.asked()).isZero();
      granted.release();
      assertThat(holderRecords(b, "web-3")).isEmpty();
    }
  }

  @Test
  void aHolderWhoseNodeAnotherClientDeletedIsLostAndGated() throws Exception {
    AtomicBoolean fenced = new AtomicBoolean();
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> fenced.get());
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-6", options).acquire(LockMode.EX);
      // A's session lives on; its node is deleted by hand (an operator, a buggy client).
      for (String child : children(b, "web-6")) {
        if (!child.startsWith("holder-")) {
          b.curator.delete().forPath(CONTAINER + "web-6/" + child);
        }
      }
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      assertThat(b.manager.lock("web-6", options).tryAcquire(LockMode.EX, WITHHELD_FOR)).isEmpty();
      assertThat(gate.owners).containsOnly("node-a");
      fenced.set(true);
      try (Lease granted =
          b.manager.lock("web-6", options).tryAcquire(LockMode.EX, SESSION).orElseThrow()) {
        assertThat(granted.token().isNewerThan(held.token())).isTrue();
      }
    }
  }

  @Test
  void aConvertedLeaseKeepsItsRecordUntilReleased() throws Exception {
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> false);
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease released = a.manager.lock("web-7", options).acquire(LockMode.EX);
      released.convert(LockMode.PR);
      released.convert(LockMode.PW);
      assertThat(holderRecords(b, "web-7")).hasSize(1);
      released.release();
      assertThat(holderRecords(b, "web-7")).isEmpty();

      Lease lost = a.manager.lock("web-7", options).acquire(LockMode.EX);
      lost.convert(LockMode.PR); // its first node goes; the record follows the lease's position
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> lost.state() == LeaseState.LOST);

      assertThat(b.manager.lock("web-7", options).tryAcquire(LockMode.EX, WITHHELD_FOR)).isEmpty();
      assertThat(gate.asked()).isPositive();
    }
  }

  @Test
  void theSelfFenceDeadlineOpensTheGateWithoutAFence() throws Exception {
    Duration deadline = Duration.ofSeconds(3);
    RecoveryGate gate =
        FenceRecoveryGate.of(FenceHistory.inMemory()).withSelfFenceDeadline(deadline);
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-8", options).acquire(LockMode.EX);
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      long asked = System.nanoTime();
      Lease granted =
          b.manager.lock("web-8", options).tryAcquire(LockMode.EX, SESSION).orElseThrow();
      // Counted from when B's request first saw the loss, which was after it asked.
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(deadline);
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      granted.release();
    }
  }

  @Test
  void askingAgainKeepsTheSelfFenceCountOfTheFirstSighting() throws Exception {
    Duration deadline = Duration.ofSeconds(4);
    RecoveryGate gate =
        FenceRecoveryGate.of(FenceHistory.inMemory()).withSelfFenceDeadline(deadline);
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-10", options).acquire(LockMode.EX);
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      assertThat(b.manager.lock("web-10", options).tryAcquire(LockMode.EX, Duration.ofSeconds(3)))
          .isEmpty();
      long again = System.nanoTime();
      Lease granted =
          b.manager.lock("web-10", options).tryAcquire(LockMode.EX, SESSION).orElseThrow();
      // The second request counts from the first one's sighting, about 3 s ago: it waits about
      // 1 s, not the whole deadline again.
      assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(deadline);
      granted.release();
    }
  }

  @Test
  void aWithheldRequestFailsWhenItsManagerClosesAndLeavesNoRecord() throws Exception {
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> false);
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b");
        Member c = member("node-c")) {
      Lease held = a.manager.lock("web-4", options).acquire(LockMode.EX);
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      CompletableFuture<Lease> waiting = b.manager.lock("web-4", options).acquireAsync(LockMode.EX);
      await().atMost(SESSION).until(() -> gate.asked() > 0);
      b.manager.close();

      assertThatThrownBy(() -> waiting.get(SESSION.toMillis(), TimeUnit.MILLISECONDS))
          .hasCauseInstanceOf(QuorateException.class)
          .hasMessageContaining("lock manager closed");
      // Only A's record: B was never granted, so it wrote none.
      assertThat(holderRecords(c, "web-4")).hasSize(1);
    }
  }

  @Test
  void cohortingManagersGateToo() throws Exception {
    AtomicBoolean fenced = new AtomicBoolean();
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> fenced.get());
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a", true);
        Member b = member("node-b", true)) {
      // A gated request bypasses the cohort: a cached grant would outlive its holder record.
      Lease held = a.manager.lock("web-5", options).acquire(LockMode.EX);
      assertThat(held.token().minor()).isZero();
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      assertThat(b.manager.lock("web-5", options).tryAcquire(LockMode.EX, WITHHELD_FOR)).isEmpty();
      assertThat(gate.asked()).isPositive();
      fenced.set(true);
      try (Lease granted =
          b.manager.lock("web-5", options).tryAcquire(LockMode.EX, SESSION).orElseThrow()) {
        assertThat(granted.token().isNewerThan(held.token())).isTrue();
      }
      assertThat(holderRecords(b, "web-5")).isEmpty();
    }
  }

  @Test
  void aReleaseWhoseRecordIsGoneStillDeletesItsNode() throws Exception {
    LockOptions options =
        LockOptions.builder().recoveryGate((owner, heldSince, lostAtNanos) -> false).build();
    try (Member a = member("node-a")) {
      Lease held = a.manager.lock("web-9", options).acquire(LockMode.EX);
      for (String record : holderRecords(a, "web-9")) {
        a.curator.delete().deletingChildrenIfNeeded().forPath(CONTAINER + "web-9/" + record);
      }
      held.release(); // the node-and-record transaction fails: the node is deleted alone

      assertThat(children(a, "web-9")).isEmpty();
      try (Lease again =
          a.manager.lock("web-9", options).tryAcquire(LockMode.EX, SESSION).orElseThrow()) {
        assertThat(again.token().isNewerThan(held.token())).isTrue();
      }
    }
  }

  @Test
  void withoutTheGateBIsGrantedBeforeAnyFence() throws Exception {
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("no-gate").acquire(LockMode.EX);
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      // Nobody fenced A, nobody confirmed it down, its self-fence deadline has not passed: yet B
      // holds the lock. This is the grant the recovery gate withholds.
      Lease granted = b.manager.lock("no-gate").tryAcquire(LockMode.EX, SESSION).orElseThrow();
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      assertThat(holderRecords(b, "no-gate")).isEmpty();
      granted.release();
    }
  }

  @Test
  void aGatedLockNeedsTheMemberName() throws Exception {
    RecoveryGate never = (owner, heldSince, lostAtNanos) -> false;
    try (CuratorFramework curator = curator();
        ZkLockManager manager = ZkLockManager.builder().curator(curator).build()) {
      assertThatThrownBy(
              () -> manager.lock("gated", LockOptions.builder().recoveryGate(never).build()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("'gated'")
          .hasMessageContaining("ZkLockManagerBuilder.member(name)");
    }
  }

  @Test
  void anUpConversionBesideALostHolderWaitsForTheGate() throws Exception {
    AtomicBoolean fenced = new AtomicBoolean();
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> fenced.get());
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-11", options).acquire(LockMode.EX);
      Lease beside = b.manager.lock("web-11", options).acquire(LockMode.NL);
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      // A's node is gone and nothing blocks B's conversion in the queue; only the gate may.
      assertThat(beside.tryConvert(LockMode.EX, WITHHELD_FOR))
          .as("B converted to EX while A is lost and not fenced")
          .isFalse();
      assertThat(beside.tryConvert(LockMode.EX, Duration.ZERO)).isFalse();
      assertThat(gate.owners).containsOnly("node-a");
      assertThat(beside.mode()).isEqualTo(LockMode.NL);
      assertThat(beside.state()).isEqualTo(LeaseState.GRANTED);

      fenced.set(true);
      assertThat(beside.tryConvert(LockMode.EX, SESSION)).isTrue();
      assertThat(beside.token().isNewerThan(held.token())).isTrue();
      // A's record went in the conversion's transaction; B's own record stays until its release.
      assertThat(holderRecords(b, "web-11")).hasSize(1);
      beside.release();
      assertThat(holderRecords(b, "web-11")).isEmpty();
    }
  }

  @Test
  void aHolderRevokedForLossOfQuorumIsLostNotReleased() throws Exception {
    AtomicBoolean fenced = new AtomicBoolean();
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> fenced.get());
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    Topology three =
        Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").build();
    try (QuorumService quorum =
            QuorumService.builder(QuorumPolicy.builder(three).build(), MemberId.of(1)).build();
        Member a = member("node-a");
        Member b = member("node-b")) {
      quorum.update(Set.of(MemberId.of(1), MemberId.of(2)));
      LockManager gatedA = QuorumGate.requireQuorum(a.manager, quorum);
      Lease held = gatedA.lock("web-12", options).acquire(LockMode.EX);
      CompletableFuture<Lease> waiting =
          b.manager.lock("web-12", options).acquireAsync(LockMode.EX);

      quorum.update(Set.of(MemberId.of(1)));
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      // A's threads may still write: its record stays, without its session child (A lost its
      // quorum, so a self-fence deadline may count), and B waits for the gate.
      List<String> records = holderRecords(b, "web-12");
      assertThat(records).hasSize(1);
      assertThat(
              b.curator.checkExists().forPath(CONTAINER + "web-12/" + records.get(0) + "/session"))
          .isNull();
      assertThatThrownBy(() -> waiting.get(WITHHELD_FOR.toMillis(), TimeUnit.MILLISECONDS))
          .as("B granted at once after A's revocation")
          .isInstanceOf(TimeoutException.class);
      assertThat(gate.owners).containsOnly("node-a");

      fenced.set(true);
      Lease granted = waiting.get(SESSION.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      granted.release();
    }
  }

  @Test
  void closingTheManagerKeepsTheRecordOfAHeldGatedLease() throws Exception {
    AtomicBoolean fenced = new AtomicBoolean();
    CountingGate gate = new CountingGate((owner, heldSince, lostAtNanos) -> fenced.get());
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-14", options).acquire(LockMode.EX);
      a.manager.close();
      assertThat(held.state()).isEqualTo(LeaseState.LOST);

      // Other threads of A may still hold the lease: it is lost, not released.
      assertThat(holderRecords(b, "web-14")).hasSize(1);
      assertThat(b.manager.lock("web-14", options).tryAcquire(LockMode.EX, WITHHELD_FOR)).isEmpty();
      fenced.set(true);
      try (Lease granted =
          b.manager.lock("web-14", options).tryAcquire(LockMode.EX, SESSION).orElseThrow()) {
        assertThat(granted.token().isNewerThan(held.token())).isTrue();
      }
    }
  }

  @Test
  void aNodeDeletedUnderALiveSessionIsNotRecoveredByTheSelfFenceDeadline() throws Exception {
    Duration deadline = Duration.ofSeconds(1);
    RecoveryGate gate =
        FenceRecoveryGate.of(FenceHistory.inMemory()).withSelfFenceDeadline(deadline);
    LockOptions options = LockOptions.builder().recoveryGate(gate).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-13", options).acquire(LockMode.EX);
      deleteLockNodes(b, "web-13"); // A's session lives on: no quorum loss, no watchdog stops it
      await().atMost(SESSION).until(() -> held.state() == LeaseState.LOST);

      assertThat(b.manager.lock("web-13", options).tryAcquire(LockMode.EX, Duration.ofSeconds(3)))
          .as("granted by the self-fence deadline while A's session lives")
          .isEmpty();

      // Once A's session ends, its self-fence deadline counts from then.
      expireOnServer(a.curator.getZookeeperClient().getZooKeeper());
      long asked = System.nanoTime();
      try (Lease granted =
          b.manager.lock("web-13", options).tryAcquire(LockMode.EX, SESSION).orElseThrow()) {
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(deadline);
        assertThat(granted.token().isNewerThan(held.token())).isTrue();
      }
    }
  }

  @Test
  void aWithdrawnRequestTakesARecordAtItsPositionWithIt() throws Exception {
    LockOptions options =
        LockOptions.builder().recoveryGate((owner, heldSince, lostAtNanos) -> false).build();
    try (Member b = member("node-b");
        Member c = member("node-c")) {
      Lease held = c.manager.lock("web-15", options).acquire(LockMode.EX);
      CompletableFuture<Lease> waiting =
          b.manager.lock("web-15", options).acquireAsync(LockMode.EX);
      String mine = recordAtPositionOf(b, "web-15");

      waiting.cancel(false);
      await()
          .atMost(SESSION)
          .untilAsserted(() -> assertThat(holderRecords(c, "web-15")).doesNotContain(mine));
      held.release();
      assertThat(holderRecords(c, "web-15")).isEmpty();
    }
  }

  @Test
  void aRequeuedRequestDoesNotWaitOnItsOwnOldRecord() throws Exception {
    LockOptions options =
        LockOptions.builder().recoveryGate((owner, heldSince, lostAtNanos) -> false).build();
    try (Member b = member("node-b");
        Member c = member("node-c")) {
      Lease held = c.manager.lock("web-16", options).acquire(LockMode.EX);
      CompletableFuture<Lease> waiting =
          b.manager.lock("web-16", options).acquireAsync(LockMode.EX);
      recordAtPositionOf(b, "web-16");

      // B's session ends while it waits: its node goes, and it queues again in a new session.
      expireOnServer(b.curator.getZookeeperClient().getZooKeeper());
      await().atMost(SESSION).until(() -> lockNodes(c, "web-16").size() == 2);
      held.release();

      Lease granted = waiting.get(SESSION.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(granted.token().isNewerThan(held.token())).isTrue();
      granted.release();
      assertThat(holderRecords(c, "web-16")).isEmpty();
    }
  }

  @Test
  void anInterruptedHolderStillReleasesItsRecord() throws Exception {
    LockOptions options =
        LockOptions.builder().recoveryGate((owner, heldSince, lostAtNanos) -> false).build();
    try (Member a = member("node-a");
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-17", options).acquire(LockMode.EX);
      Thread.currentThread().interrupt();
      try {
        held.release();
      } finally {
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
      }
      await().atMost(SESSION).until(() -> children(b, "web-17").isEmpty());
      try (Lease granted =
          b.manager.lock("web-17", options).tryAcquire(LockMode.EX, WITHHELD_FOR).orElseThrow()) {
        assertThat(granted.token().isNewerThan(held.token())).isTrue();
      }
    }
  }

  @Test
  void aReleaseCutOffFromZooKeeperStillTakesItsRecordOnceBackInItsSession() throws Exception {
    LockOptions options =
        LockOptions.builder().recoveryGate((owner, heldSince, lostAtNanos) -> false).build();
    // Calls give up waiting for the connection after 1 s, well within the 10 s session.
    CuratorFramework impatient =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(Math.toIntExact(SESSION.toMillis()))
            .connectionTimeoutMs(1000)
            .retryPolicy(new RetryOneTime(100))
            .build();
    impatient.start();
    try (Member a =
            new Member(
                impatient, ZkLockManager.builder().curator(impatient).member("node-a").build());
        Member b = member("node-b")) {
      Lease held = a.manager.lock("web-18", options).acquire(LockMode.EX);
      server.stop();
      try {
        await().atMost(SESSION).until(() -> held.state() == LeaseState.SUSPECT);
        held.release(); // every attempt fails for want of a connection
      } finally {
        server.restart();
      }
      // Back within the session: the release, record included, goes through; not the node alone.
      await().atMost(SESSION).until(() -> children(b, "web-18").isEmpty());
      try (Lease granted =
          b.manager.lock("web-18", options).tryAcquire(LockMode.EX, WITHHELD_FOR).orElseThrow()) {
        assertThat(granted.token().isNewerThan(held.token())).isTrue();
      }
    }
  }

  /**
   * Writes, by hand, the record a grant of the waiting request behind {@code held} would write: as
   * if its transaction applied and the reply was lost. Returns its name.
   */
  private static String recordAtPositionOf(Member waiter, String resource) throws Exception {
    await().atMost(SESSION).until(() -> lockNodes(waiter, resource).size() == 2);
    String node = lockNodes(waiter, resource).get(1);
    String record = "holder-" + node.substring(node.lastIndexOf('-') + 1);
    waiter
        .curator
        .create()
        .forPath(CONTAINER + resource + "/" + record, "node-b".getBytes(StandardCharsets.UTF_8));
    return record;
  }

  /** The lock nodes of a resource, oldest first. */
  private static List<String> lockNodes(Member reader, String resource) throws Exception {
    return children(reader, resource).stream()
        .filter(n -> !n.startsWith("holder-"))
        .sorted(java.util.Comparator.comparing((String n) -> n.substring(n.lastIndexOf('-') + 1)))
        .toList();
  }

  private static void deleteLockNodes(Member reader, String resource) throws Exception {
    for (String child : children(reader, resource)) {
      if (!child.startsWith("holder-")) {
        reader.curator.delete().forPath(CONTAINER + resource + "/" + child);
      }
    }
  }

  private Fencer fencer(boolean agentFails) throws Exception {
    requireFenceDummy();
    Path power = dir.resolve("node-a.power");
    Files.writeString(power, "on");
    FenceDevice.Builder device =
        FenceDevice.builder("vm-a", "fence_dummy")
            .option("status_file", power.toString())
            .timeout(Duration.ofSeconds(30));
    if (agentFails) {
      // fence_dummy then fails every action, after waiting power_timeout for a state change.
      device.option("type", "fail").option("power_timeout", "1");
    }
    FenceTopology topology =
        FenceTopology.builder()
            .device(device.build())
            .level("node-a", FenceLevel.of(1, "vm-a"))
            .build();
    return Fencer.builder(topology, FenceAgents.load(), FenceGuard.allowAllForTests())
        .deadline(Duration.ofSeconds(60))
        .maxAttempts(1)
        .build();
  }

  /** A member: its own ZooKeeper session and lock manager, named as the fencer knows it. */
  private record Member(CuratorFramework curator, ZkLockManager manager) implements AutoCloseable {
    @Override
    public void close() {
      manager.close();
      curator.close();
    }
  }

  private static Member member(String name) throws InterruptedException {
    return member(name, false);
  }

  private static Member member(String name, boolean cohorting) throws InterruptedException {
    CuratorFramework curator = curator();
    return new Member(
        curator,
        ZkLockManager.builder().curator(curator).member(name).cohorting(cohorting).build());
  }

  private static CuratorFramework curator() {
    CuratorFramework curator =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(Math.toIntExact(SESSION.toMillis()))
            .retryPolicy(new RetryOneTime(100))
            .build();
    curator.start();
    return curator;
  }

  private static List<String> holderRecords(Member reader, String resource) throws Exception {
    return children(reader, resource).stream().filter(name -> name.startsWith("holder-")).toList();
  }

  /** The children of a resource's container; none once the server has reaped the container. */
  private static List<String> children(Member reader, String resource) throws Exception {
    try {
      return reader.curator.getChildren().forPath(CONTAINER + resource);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  private static void expireOnServer(ZooKeeper victim) throws Exception {
    ServerSessions.expire(server.getConnectString(), victim);
  }

  /** Counts the questions and remembers whom they were about. */
  private static final class CountingGate implements RecoveryGate {
    private final RecoveryGate delegate;
    private final AtomicInteger asked = new AtomicInteger();
    final Set<String> owners = ConcurrentHashMap.newKeySet();

    CountingGate(RecoveryGate delegate) {
      this.delegate = delegate;
    }

    int asked() {
      return asked.get();
    }

    @Override
    public boolean recovered(String owner, Instant heldSince, long lostAtNanos) {
      asked.incrementAndGet();
      owners.add(owner);
      return delegate.recovered(owner, heldSince, lostAtNanos);
    }
  }
}
