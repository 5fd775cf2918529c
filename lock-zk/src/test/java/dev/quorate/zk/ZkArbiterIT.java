package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.NoQuorumPolicy;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Four members and an ffsplit arbiter on a separate witness server decide a 2/2 split. The split is
 * of the cluster's own membership layer (fed to each quorum service directly, as corosync would see
 * it); ZooKeeper is only the witness here, and the lock server both sides would grant on.
 */
@Timeout(120)
class ZkArbiterIT {
  private static final Set<MemberId> ALL = ids(1, 2, 3, 4);
  private static final Set<MemberId> LOW = ids(1, 2);
  private static final Set<MemberId> HIGH = ids(3, 4);

  private TestingServer witness;
  private TestingServer lockServer;
  private final List<Node> nodes = new ArrayList<>();

  /** One member: arbiter client through its own proxy, quorum service, gated lock manager. */
  private static final class Node implements AutoCloseable {
    final MemberId id;
    final AtomicBoolean gatewayReachable = new AtomicBoolean(true);
    volatile CountDownLatch heuristicGate = new CountDownLatch(0);
    final TcpProxy witnessProxy;
    final CuratorFramework witnessClient;
    final ZkArbiter arbiter;
    final QuorumService quorum;
    final ZkLockManager zkLocks;
    final LockManager locks;
    final AtomicLong quorateSince = new AtomicLong();
    final AtomicLong inquorateSince = new AtomicLong();

    Node(int id, int witnessPort, String lockServer, Topology topology, Ffsplit.LastResort order)
        throws Exception {
      this.id = MemberId.of(id);
      witnessProxy = new TcpProxy(witnessPort);
      witnessClient = QuorumMember.client(witnessProxy.connectString());
      arbiter =
          ZkArbiter.builder()
              .curator(witnessClient)
              .rootPath("/it/arbiter")
              .localMember(this.id)
              .heuristic(
                  () -> {
                    heuristicGate.await();
                    return gatewayReachable.get();
                  })
              .lastResort(order)
              .build();
      QuorumPolicy policy = QuorumPolicy.builder(topology).voteSource(arbiter.voteSource()).build();
      quorum = QuorumService.builder(policy, this.id).noQuorumPolicy(NoQuorumPolicy.STOP).build();
      quorum.addListener(
          e -> {
            if (e.current().quorate() && !e.previous().quorate()) {
              quorateSince.set(System.nanoTime());
            } else if (!e.current().quorate() && e.previous().quorate()) {
              inquorateSince.set(System.nanoTime());
            }
          });
      arbiter.attach(quorum);
      zkLocks = ZkLockManager.builder().connectString(lockServer).build();
      locks = QuorumGate.requireQuorum(zkLocks, quorum);
    }

    @Override
    public void close() throws IOException {
      locks.close();
      arbiter.close();
      quorum.close();
      witnessClient.close();
      witnessProxy.close();
    }
  }

  @BeforeEach
  void startServers() throws Exception {
    witness = new TestingServer();
    lockServer = new TestingServer();
  }

  @AfterEach
  void stop() throws IOException {
    for (Node node : nodes) {
      node.close();
    }
    witness.close();
    lockServer.close();
  }

  private void startFour(Ffsplit.LastResort order) throws Exception {
    Topology.Builder topology = Topology.builder();
    for (int id = 1; id <= 4; id++) {
      topology.member(id, 1, "hv-" + id);
    }
    Topology built = topology.build();
    for (int id = 1; id <= 4; id++) {
      nodes.add(new Node(id, witness.getPort(), lockServer.getConnectString(), built, order));
    }
    feed(ALL, nodes);
    // All four plus the arbiter's vote: 5 of 5 expected.
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> votes(n) == 5));
  }

  private static int votes(Node n) {
    return n.quorum.state().votes();
  }

  private static void feed(Set<MemberId> partition, List<Node> side) {
    for (Node n : side) {
      n.quorum.update(partition);
    }
  }

  private List<Node> side(Set<MemberId> ids) {
    return nodes.stream().filter(n -> ids.contains(n.id)).toList();
  }

  @Test
  void higherScoreWinsTheTwoTwoSplitOverTheLowestId() throws Exception {
    startFour(Ffsplit.LastResort.LOWEST_ID);
    // The low side lost its gateway: each of its members scores 1 + 0 - 1 = 0.
    side(LOW).forEach(n -> n.gatewayReachable.set(false));
    feed(LOW, side(LOW));
    feed(HIGH, side(HIGH));

    awaitWinner(HIGH, LOW);
    // Every member computes the same decision from the witness's reports.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> nodes.stream().allMatch(n -> n.arbiter.decision().rule() == Ffsplit.Rule.SCORE));
    for (Node n : nodes) {
      assertThat(n.arbiter.decision().reason()).isEqualTo("[3, 4] over [1, 2]: score 4 > 0");
    }
    assertGrantsOnlyOn(HIGH, LOW);
  }

  @Test
  void equalSidesFallBackToTheConfiguredMemberId() throws Exception {
    startFour(Ffsplit.LastResort.LOWEST_ID);
    feed(LOW, side(LOW));
    feed(HIGH, side(HIGH));

    awaitWinner(LOW, HIGH);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                nodes.stream()
                    .allMatch(n -> n.arbiter.decision().rule() == Ffsplit.Rule.MEMBER_ID));
    assertThat(nodes.get(0).arbiter.decision().reason())
        .isEqualTo("[1, 2] over [3, 4]: all else equal, it holds the lowest member id 1");
    assertGrantsOnlyOn(LOW, HIGH);
  }

  @Test
  void winnerCutOffFromTheWitnessLosesTheVoteBeforeTheOtherSideGetsIt() throws Exception {
    startFour(Ffsplit.LastResort.LOWEST_ID);
    feed(LOW, side(LOW));
    feed(HIGH, side(HIGH));
    awaitWinner(LOW, HIGH);

    List<Long> sessions = new ArrayList<>();
    List<byte[]> passwords = new ArrayList<>();
    for (Node n : side(LOW)) {
      ZooKeeper zk = n.witnessClient.getZookeeperClient().getZooKeeper();
      sessions.add(zk.getSessionId());
      passwords.add(zk.getSessionPasswd());
      n.witnessProxy.block();
    }
    // No connection to the arbiter, no vote: at once, on SUSPENDED.
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> side(LOW).stream().noneMatch(n -> n.quorum.grantsAllowed()));
    for (int i = 0; i < sessions.size(); i++) {
      expireOnWitness(sessions.get(i), passwords.get(i));
    }
    awaitWinner(HIGH, LOW);
    assertThat(side(HIGH).get(0).arbiter.decision().rule()).isEqualTo(Ffsplit.Rule.ONLY_CANDIDATE);
    long lowLost = side(LOW).stream().mapToLong(n -> n.inquorateSince.get()).max().orElseThrow();
    long highWon = side(HIGH).stream().mapToLong(n -> n.quorateSince.get()).min().orElseThrow();
    assertThat(lowLost).as("the old winner stopped before the new one started").isLessThan(highWon);
    assertGrantsOnlyOn(HIGH, LOW);
  }

  @Test
  void closedArbitersHandTheVoteOverWhileTheirClientsStayOpen() throws Exception {
    startFour(Ffsplit.LastResort.LOWEST_ID);
    feed(LOW, side(LOW));
    feed(HIGH, side(HIGH));
    awaitWinner(LOW, HIGH);

    // The witness clients stay open, so nothing expires: the arbiters must withdraw themselves.
    side(LOW).forEach(n -> n.arbiter.close());
    awaitWinner(HIGH, LOW);
    assertThat(side(HIGH).get(0).arbiter.decision().rule()).isEqualTo(Ffsplit.Rule.ONLY_CANDIDATE);
  }

  @Test
  void arbitersClosedWhileCutOffWithdrawOnceTheirClientsReconnect() throws Exception {
    startFour(Ffsplit.LastResort.LOWEST_ID);
    feed(LOW, side(LOW));
    feed(HIGH, side(HIGH));
    awaitWinner(LOW, HIGH);

    List<Long> sessions = new ArrayList<>();
    for (Node n : side(LOW)) {
      sessions.add(n.witnessClient.getZookeeperClient().getZooKeeper().getSessionId());
      n.witnessProxy.block();
    }
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> side(LOW).stream().noneMatch(n -> n.quorum.grantsAllowed()));
    side(LOW).forEach(n -> n.arbiter.close());
    side(LOW).forEach(n -> n.witnessProxy.unblock());
    // The clients come back to their old sessions, so the report and token the low half left on
    // the witness do not expire: the closed arbiters must withdraw them now.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                side(LOW).stream()
                    .allMatch(n -> n.witnessClient.getZookeeperClient().isConnected()));
    for (int i = 0; i < sessions.size(); i++) {
      assertThat(side(LOW).get(i).witnessClient.getZookeeperClient().getZooKeeper().getSessionId())
          .isEqualTo(sessions.get(i));
    }
    awaitWinner(HIGH, LOW);
  }

  @Test
  void attachRefusesAServiceThatWouldNeverCountTheArbiter() throws Exception {
    Topology topology = Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").build();
    try (ZkArbiter arbiter =
        ZkArbiter.builder()
            .connectString(witness.getConnectString())
            .localMember(MemberId.of(1))
            .build()) {
      QuorumService withoutArbiter =
          QuorumService.builder(QuorumPolicy.builder(topology).build(), MemberId.of(1)).build();
      assertThatThrownBy(() -> arbiter.attach(withoutArbiter))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("voteSource()")
          .hasMessageContaining("tieBreaker()");
      withoutArbiter.close();

      Topology others = Topology.builder().member(2, 1, "hv-2").member(3, 1, "hv-3").build();
      QuorumService elsewhere =
          QuorumService.builder(
                  QuorumPolicy.builder(others).voteSource(arbiter.voteSource()).build(),
                  MemberId.of(2))
              .build();
      assertThatThrownBy(() -> arbiter.attach(elsewhere))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("member 1")
          .hasMessageContaining("[2, 3]");
      elsewhere.close();
    }
  }

  @Test
  void anUnreadableForeignNodeAmongTheReportsDoesNotStopTheDecisions() throws Exception {
    startFour(Ffsplit.LastResort.LOWEST_ID);
    Id owner = new Id("digest", DigestAuthenticationProvider.generateDigest("other:secret"));
    nodes
        .get(0)
        .witnessClient
        .create()
        .withACL(List.of(new ACL(ZooDefs.Perms.ALL, owner)))
        .forPath("/it/arbiter/reports/report-9-foreign");

    feed(LOW, side(LOW));
    feed(HIGH, side(HIGH));
    awaitWinner(LOW, HIGH);
  }

  @Test
  void arbitersClosedWhileAHeuristicRunsStillWithdrawOnceItEnds() throws Exception {
    startFour(Ffsplit.LastResort.LOWEST_ID);
    feed(LOW, side(LOW));
    feed(HIGH, side(HIGH));
    awaitWinner(LOW, HIGH);

    // The low members' heuristics hang (a slow gateway) when their partitions change, and they
    // close meanwhile: close gives up waiting after its bound, but the withdrawal must still come.
    CountDownLatch slowGateway = new CountDownLatch(1);
    for (Node n : side(LOW)) {
      n.heuristicGate = slowGateway;
      n.quorum.update(Set.of(n.id));
    }
    side(LOW).forEach(n -> n.arbiter.close());
    slowGateway.countDown();
    awaitWinner(HIGH, LOW);
  }

  private void awaitWinner(Set<MemberId> winner, Set<MemberId> loser) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                side(winner).stream().allMatch(n -> n.quorum.grantsAllowed() && votes(n) == 3)
                    && side(loser).stream().noneMatch(n -> n.quorum.grantsAllowed()));
  }

  private void assertGrantsOnlyOn(Set<MemberId> winner, Set<MemberId> loser) throws Exception {
    for (Node n : side(loser)) {
      assertThatThrownBy(() -> n.locks.lock("shared").tryAcquire(LockMode.EX, Duration.ZERO))
          .isInstanceOfSatisfying(
              QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_QUORUM));
    }
    for (Node n : side(winner)) {
      Optional<Lease> lease = n.locks.lock("shared").tryAcquire(LockMode.EX, Duration.ofSeconds(5));
      assertThat(lease).as("member %s grants", n.id).isPresent();
      lease.get().release();
    }
  }

  private void expireOnWitness(long session, byte[] password) throws Exception {
    ServerSessions.expire(witness.getConnectString(), session, password);
  }

  private static Set<MemberId> ids(int... values) {
    return java.util.Arrays.stream(values)
        .mapToObj(MemberId::of)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
