package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceCoordinator;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.TargetPolicy;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members of one cluster, each with its own ZooKeeper session, {@link ZkFenceCoordinator} and
 * {@link Fencer}, fencing through Debian's real fence_dummy (power state in a file) behind a
 * wrapper that counts every invocation and can hold an action until the test lets it go. Skipped
 * where fence_dummy is not installed, except under CI=true, where that fails.
 */
@Timeout(180)
class ZkFenceCoordinatorIT {
  private static final Path FENCE_DUMMY = Path.of("/usr/sbin/fence_dummy");
  private static final String AGENT = "fence_dummy_counted";
  private static final Duration QUIET = Duration.ofMinutes(10);
  private static final Duration ABANDON_AFTER = Duration.ofMinutes(5);

  @TempDir Path dir;
  private TestingServer server;
  private FenceAgent agent;
  private final List<Member> members = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    if (!Files.isExecutable(FENCE_DUMMY)) {
      String message = FENCE_DUMMY + " is missing: apt-get install fence-agents";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
    server = new TestingServer(InstanceSpec.newInstanceSpec(), true);
    agent = FenceAgent.exec(AGENT, install("counted-fence-dummy.sh"));
    Files.writeString(power("h1"), "on");
    Files.writeString(power("h2"), "on");
  }

  @AfterEach
  void stop() throws IOException {
    members.forEach(Member::close);
    if (server != null) {
      server.close();
    }
  }

  /** A cluster member: its own client (session), coordinator and fencer; the clock it fences by. */
  private record Member(CuratorFramework client, ZkFenceCoordinator coordinator, Fencer fencer) {
    void close() {
      client.close();
    }
  }

  private Member member(String cluster, String name, MonotonicClock clock) throws Exception {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(5000)
            .connectionTimeoutMs(5000)
            .retryPolicy(new ExponentialBackoffRetry(100, 3))
            .build();
    client.start();
    ZkFenceCoordinator coordinator =
        ZkFenceCoordinator.builder(client, cluster, name)
            .abandonAfter(ABANDON_AFTER)
            .clock(clock)
            .build();
    Fencer fencer =
        Fencer.builder(topology(), FenceAgents.of(agent), FenceGuard.allowAllForTests())
            .coordinator(coordinator)
            .deadline(Duration.ofSeconds(20))
            .maxAttempts(1)
            .build();
    Member m = new Member(client, coordinator, fencer);
    members.add(m);
    return m;
  }

  private Member member(String name) throws Exception {
    return member("cluster-1", name, MonotonicClock.system());
  }

  /**
   * node-a and node-c run on h1, node-b on h2: each is fenced by power-cycling its host (the PDU
   * outlet of that host), node-v through its hypervisor (a VM-level device).
   */
  private FenceTopology topology() {
    TargetPolicy quiet = new TargetPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, QUIET);
    return FenceTopology.builder()
        .device(hostDevice("pdu-h1", "h1"))
        .device(hostDevice("pdu-h2", "h2"))
        .device(
            device("hv-node-v", "vm-node-v")
                .option("hold_file", hold().toString())
                .option("hold_action", "off")
                .build())
        .level("node-a", FenceLevel.of(1, "pdu-h1"))
        .level("node-c", FenceLevel.of(1, "pdu-h1"))
        .level("node-b", FenceLevel.of(1, "pdu-h2"))
        .level("node-v", FenceLevel.of(1, "hv-node-v"))
        .policy("node-a", quiet)
        .policy("node-b", quiet)
        .policy("node-c", quiet)
        .policy("node-v", quiet)
        .build();
  }

  private FenceDevice hostDevice(String name, String host) {
    return device(name, host)
        .scope(FenceScope.HOST)
        .hosts(host)
        .option("hold_file", hold().toString())
        .option("hold_action", "off")
        .build();
  }

  private FenceDevice.Builder device(String name, String powerFile) {
    return FenceDevice.builder(name, AGENT)
        .option("status_file", power(powerFile).toString())
        .option("record_file", dir.resolve("invocations-" + name).toString())
        .timeout(Duration.ofSeconds(30));
  }

  private Path power(String of) {
    return dir.resolve("power-" + of);
  }

  private Path hold() {
    return dir.resolve("hold");
  }

  /** Lets every held agent go on, and every later one run at once. */
  private void release() throws IOException {
    Files.writeString(hold(), "go");
  }

  /** How often the device was asked to power off (status checks are not counted). */
  private long offs(String device) throws IOException {
    Path file = dir.resolve("invocations-" + device);
    if (!Files.exists(file)) {
      return 0;
    }
    return Files.readAllLines(file).stream().filter("off"::equals).count();
  }

  private Path install(String name) throws IOException {
    Path target = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/agents/" + name)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    return target;
  }

  private static FenceRequest off(String requester, String target) {
    return FenceRequest.of(requester, target, FenceAction.OFF, "lost from the membership");
  }

  /** A thread fencing on its own, started together with the others by one latch. */
  private static final class FenceThread extends Thread {
    private final Member member;
    private final FenceRequest request;
    private final CountDownLatch go;
    private final CompletableFuture<FenceResult> result = new CompletableFuture<>();

    FenceThread(Member member, FenceRequest request, CountDownLatch go) {
      super("fence-" + request.requester());
      this.member = member;
      this.request = request;
      this.go = go;
    }

    @Override
    public void run() {
      try {
        go.await();
        result.complete(member.fencer().fence(request));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }

    /**
     * True while this fencer waits for the per-target claim another member holds: parked in the
     * coordinator's wait for the claim's watch, not in a ZooKeeper call.
     */
    boolean waitsForTheTargetClaim() {
      StackTraceElement[] stack = getStackTrace();
      return Arrays.stream(stack)
              .anyMatch(
                  f ->
                      f.getClassName().equals(ZkFenceCoordinator.class.getName())
                          && f.getMethodName().equals("claimTarget"))
          && Arrays.stream(stack)
              .anyMatch(
                  f ->
                      f.getClassName().equals(Semaphore.class.getName())
                          && f.getMethodName().equals("tryAcquire"));
    }

    FenceResult result() throws Exception {
      return result.get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Starts both fences at once, lets the first reach its agent (which holds the power-off), and
   * waits until the other fencer either waits for the target claim, reaches an agent too, or ends.
   */
  private List<FenceThread> race(Member one, Member two, String target, String device)
      throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<FenceThread> threads =
        List.of(
            new FenceThread(one, off("node-x", target), go),
            new FenceThread(two, off("node-y", target), go));
    threads.forEach(Thread::start);
    go.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> offs(device) >= 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                offs(device) >= 2
                    || threads.stream()
                        .anyMatch(t -> t.waitsForTheTargetClaim() || t.result.isDone()));
    return threads;
  }

  @Test
  void twoMembersRaceToPowerCycleOneHostAndItIsCutOnce() throws Exception {
    Member x = member("node-x");
    Member y = member("node-y");

    List<FenceThread> threads = race(x, y, "node-a", "pdu-h1");
    assertThat(offs("pdu-h1")).as("power-offs of h1 while the first fence is in flight").isOne();
    release();
    List<FenceResult> results = List.of(threads.get(0).result(), threads.get(1).result());

    assertThat(offs("pdu-h1")).as("power-offs of h1").isOne();
    assertThat(Files.readString(power("h1")).strip()).isEqualTo("off");
    assertThat(results)
        .extracting(FenceResult::reason)
        .containsExactlyInAnyOrder(FenceReason.FENCED, FenceReason.FENCED_BY_PEER);
    FenceResult peer =
        results.stream().filter(r -> r.reason() == FenceReason.FENCED_BY_PEER).findFirst().get();
    assertThat(peer.succeeded()).isTrue();
    assertThat(peer.outcomes()).as("no agent ran for the member that waited").isEmpty();
    // One history, shared: both members see both records.
    assertThat(x.fencer().history().forTarget("node-a"))
        .extracting(FenceRecord::reason)
        .containsExactlyInAnyOrder(FenceReason.FENCED, FenceReason.FENCED_BY_PEER);
    assertThat(y.fencer().history().records()).isEqualTo(x.fencer().history().records());
  }

  @Test
  void twoMembersRaceToFenceOneVmAndItsAgentRunsOnce() throws Exception {
    Files.writeString(power("vm-node-v"), "on");
    Member x = member("node-x");
    Member y = member("node-y");

    List<FenceThread> threads = race(x, y, "node-v", "hv-node-v");
    assertThat(offs("hv-node-v")).as("power-offs of node-v while the first is in flight").isOne();
    release();

    assertThat(List.of(threads.get(0).result(), threads.get(1).result()))
        .extracting(FenceResult::reason)
        .containsExactlyInAnyOrder(FenceReason.FENCED, FenceReason.FENCED_BY_PEER);
    assertThat(offs("hv-node-v")).isOne();
  }

  @Test
  void afterARestartTheQuietTimeAndAClaimLeftByACrashedFencerStillHold() throws Exception {
    release(); // no fence is held in this test
    Member x = member("node-x");
    assertThat(x.fencer().fence(off("node-x", "node-a")).reason()).isEqualTo(FenceReason.FENCED);

    // node-y crashes mid-fence of node-b: it holds node-b's claim and the host-level claims of its
    // cluster and of h2 when its process dies (its session ends with its client).
    Member y = member("node-y");
    FenceCoordinator.Claim target = y.coordinator().claimTarget("node-b", Duration.ofSeconds(5));
    FenceCoordinator.Claim host = y.coordinator().claimHosts("node-b", Set.of("h2"));
    assertThat(target.granted()).isTrue();
    assertThat(host.granted()).isTrue();

    // Every member and client closes, and the ZooKeeper server restarts on its data.
    members.forEach(Member::close);
    members.clear();
    server.restart();

    ManualClock clock = new ManualClock();
    Member z = member("cluster-1", "node-z", clock);
    Member w = member("node-w");

    FenceResult quiet = z.fencer().fence(off("node-z", "node-a"));
    assertThat(quiet.reason()).as(quiet.explanation()).isEqualTo(FenceReason.REFUSED_QUIET_TIME);
    assertThat(offs("pdu-h1")).isOne();

    // The crashed fence of node-b still holds node-b: a new fence of it waits, then is refused.
    FenceCoordinator.Claim nodeB = w.coordinator().claimTarget("node-b", Duration.ofMillis(300));
    assertThat(nodeB.granted()).isFalse();
    assertThat(nodeB.explanation()).contains("cluster-1/node-y fencing node-b", "session ended");

    // node-c is on h1, but the crashed fence holds the cluster's one host-level fence.
    FenceResult inFlight = z.fencer().fence(off("node-z", "node-c"));
    assertThat(inFlight.reason())
        .as(inFlight.explanation())
        .isEqualTo(FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT);
    assertThat(inFlight.explanation()).contains("cluster-1/node-y fencing node-b", "session ended");
    assertThat(offs("pdu-h1")).isOne();

    // node-y itself restarts: its new run finds its old claims and does not free them by itself
    // (an agent it started may still run), so they block its own host-level fences too.
    Member yAgain = member("node-y");
    assertThat(yAgain.fencer().fence(off("node-y", "node-c")).reason())
        .isEqualTo(FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT);

    // Another cluster sharing h2 cannot fence on h2 either: one fence per host across clusters.
    Member other = member("cluster-2", "web-a", MonotonicClock.system());
    try (FenceCoordinator.Claim h2 = other.coordinator().claimHosts("web-b", Set.of("h2"))) {
      assertThat(h2.granted()).isFalse();
      assertThat(h2.explanation()).contains("/hosts/h2", "node-b");
    }

    // node-w has not watched the abandoned claim for abandonAfter; node-z has, on its own clock.
    clock.advance(ABANDON_AFTER);
    assertThat(w.fencer().fence(off("node-w", "node-c")).reason())
        .isEqualTo(FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT);
    Files.writeString(power("h1"), "on");
    FenceResult takenOver = z.fencer().fence(off("node-z", "node-c"));
    assertThat(takenOver.reason()).as(takenOver.explanation()).isEqualTo(FenceReason.FENCED);
    assertThat(offs("pdu-h1")).isEqualTo(2);
  }

  @Test
  void anOperatorReleasesAClaimLeftByACrashedFencerButNeverALiveOne() throws Exception {
    release();
    Member y = member("node-y");
    assertThat(y.coordinator().claimHosts("node-b", Set.of("h2")).granted()).isTrue();
    Member live = member("node-v");
    FenceCoordinator.Claim liveClaim = live.coordinator().claimTarget("node-c", Duration.ZERO);
    assertThat(liveClaim.granted()).isTrue();
    y.close(); // crash: the claim stays, its owner's session ends
    members.remove(y);

    Member z = member("node-z");
    assertThat(z.fencer().fence(off("node-z", "node-a")).reason())
        .isEqualTo(FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT);

    List<String> released = z.coordinator().releaseAbandoned("alice", "h2 checked: powered off");
    assertThat(released).hasSize(2).allMatch(d -> d.startsWith("cluster-1/node-y fencing node-b"));
    assertThat(live.coordinator().claimTarget("node-c", Duration.ZERO).granted())
        .as("the live claim of node-c was not released")
        .isFalse();

    assertThat(z.fencer().fence(off("node-z", "node-a")).reason()).isEqualTo(FenceReason.FENCED);
    assertThat(offs("pdu-h1")).isOne();
    liveClaim.close();
    assertThat(z.coordinator().claimTarget("node-c", Duration.ZERO).granted()).isTrue();
  }

  @Test
  void hostClaimsAreAllOrNothingAcrossClusters() throws Exception {
    Member web = member("cluster-2", "web-a", MonotonicClock.system());
    Member db = member("cluster-1", "db-a", MonotonicClock.system());
    Member app = member("cluster-3", "app-a", MonotonicClock.system());
    try (FenceCoordinator.Claim h2 = web.coordinator().claimHosts("web-b", Set.of("h2"))) {
      assertThat(h2.granted()).isTrue();

      FenceCoordinator.Claim both = db.coordinator().claimHosts("db-b", Set.of("h1", "h2"));
      assertThat(both.granted()).isFalse();
      assertThat(both.explanation()).contains("cluster-2/web-a fencing web-b on [h2]");

      // h1 was not left claimed by the refused request: another cluster takes it at once.
      try (FenceCoordinator.Claim h1 = app.coordinator().claimHosts("app-b", Set.of("h1"))) {
        assertThat(h1.granted()).as(h1.explanation()).isTrue();
        // ...and its own cluster has one host-level fence in flight at a time, on any host.
        Member app2 = member("cluster-3", "app-c", MonotonicClock.system());
        assertThat(app2.coordinator().claimHosts("app-d", Set.of("h3")).granted()).isFalse();
      }
    }
    try (FenceCoordinator.Claim both = db.coordinator().claimHosts("db-b", Set.of("h1", "h2"))) {
      assertThat(both.granted()).as(both.explanation()).isTrue();
    }
  }

  @Test
  void aCorruptHistoryNodeRefusesTheFenceAndNamesTheNode() throws Exception {
    release();
    Member x = member("node-x");
    String bad = "/quorate/fence/clusters/cluster-1/history/r-0000009999";
    x.client().create().forPath(bad, "{\"target\":\"node-a\"".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> x.fencer().history().records())
        .isInstanceOfSatisfying(
            QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_DATA))
        .hasMessageContaining(bad);
    FenceResult refused = x.fencer().fence(off("node-x", "node-a"));
    assertThat(refused.succeeded()).isFalse();
    assertThat(refused.explanation()).contains(bad);
    assertThat(offs("pdu-h1")).isZero();
  }

  /** Monotonic time moved by the test; wall-clock time and sleeps are the system's. */
  private static final class ManualClock implements MonotonicClock {
    private final AtomicLong offset = new AtomicLong();

    void advance(Duration by) {
      offset.addAndGet(by.toNanos());
    }

    @Override
    public long nanoTime() {
      return System.nanoTime() + offset.get();
    }

    @Override
    public Instant now() {
      return Instant.now();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      MonotonicClock.system().sleep(duration);
    }
  }
}
