package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.Occupant;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read-only readers an operator's tool uses ({@code bin/quorate}): they see what members
 * publish, and on an ensemble where nothing is published they find nothing and create nothing.
 */
@Timeout(60)
class ZkReadersIT {
  private static final Topology TWO =
      Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").build();

  @Test
  void onAnEmptyEnsembleTheReadersFindNothingAndCreateNothing() throws Exception {
    try (TestingServer server = new TestingServer();
        CuratorFramework reader = QuorumMember.client(server.getConnectString())) {
      reader.start();
      reader.blockUntilConnected();

      assertThat(ZkMembership.read(reader, "/quorate/members")).isEmpty();
      assertThat(ZkFenceCoordinator.histories(reader, "/quorate/fence")).isEmpty();
      ZkArbiter.Observation arbiter = ZkArbiter.observe(reader, "/quorate/arbiter");
      assertThat(arbiter.reports()).isEmpty();
      assertThat(arbiter.votedPartition()).isEmpty();
      assertThat(reader.getChildren().forPath("/")).containsExactly("zookeeper");
    }
  }

  @Test
  void membersRegistrationsSessionsHistoriesAndTheArbiterAreRead() throws Exception {
    try (TestingServer server = new TestingServer();
        CuratorFramework reader = QuorumMember.client(server.getConnectString());
        CuratorFramework one = QuorumMember.client(server.getConnectString())) {
      // Not a resource: the test closes it itself when db-b crashes (close is idempotent).
      CuratorFramework two = QuorumMember.client(server.getConnectString());
      reader.start();
      one.start();
      two.start();
      try (two;
          ZkArbiter arbiter1 = arbiter(one, 1);
          ZkArbiter arbiter2 = arbiter(two, 2);
          QuorumService quorum1 = quorum(arbiter1, 1);
          QuorumService quorum2 = quorum(arbiter2, 2);
          ZkMembership m1 = membership(one, 1, quorum1);
          ZkMembership m2 = membership(two, 2, quorum2);
          ZkHostInventory inventory1 = ZkHostInventory.builder(one).build();
          ZkHostInventory inventory2 = ZkHostInventory.builder(two).build();
          ZkHostInventory readerInventory = ZkHostInventory.builder(reader).build()) {
        inventory1.publish(new Occupant("c1", "db-a", "hv-1", 1, Occupant.Role.ACTIVE));
        inventory2.publish(new Occupant("c1", "db-b", "hv-2", 1, Occupant.Role.STANDBY));
        // Both members plus the arbiter's vote.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> quorum1.state().votes() == 3 && quorum2.state().votes() == 3);

        assertThat(List.of(m1.incarnation(), m2.incarnation())).containsExactly(1L, 1L);
        assertThat(ZkMembership.read(reader, "/it/members"))
            .extracting(r -> r.member().id().value(), ZkMembership.Registration::incarnation)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, 1L),
                org.assertj.core.groups.Tuple.tuple(2, 1L));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    ZkMembership.read(reader, "/it/members").stream()
                        .allMatch(ZkMembership.Registration::quorate));
        ZkArbiter.Observation seen = ZkArbiter.observe(reader, "/it/arbiter");
        assertThat(seen.reports()).extracting(r -> r.member().value()).containsExactly(1, 2);
        assertThat(seen.votedPartition()).contains(new java.util.TreeSet<>(ids(1, 2)));
        assertThat(seen.tokenOwner()).isPresent();
        assertThat(seen.casting()).containsExactlyInAnyOrderElementsOf(ids(1, 2));

        assertThat(readerInventory.connected()).containsExactly("c1/db-a", "c1/db-b");
        ZkFenceCoordinator coordinator = ZkFenceCoordinator.builder(one, "c1", "db-a").build();
        Instant now = Instant.now();
        coordinator
            .history()
            .append(
                new FenceRecord(
                    now,
                    now,
                    "db-a",
                    "db-b",
                    FenceAction.OFF,
                    1,
                    List.of("pdu"),
                    dev.quorate.fence.FenceResult.Status.SUCCEEDED,
                    FenceReason.FENCED,
                    "off"));
        assertThat(ZkFenceCoordinator.histories(reader, "/quorate/fence"))
            .containsOnlyKeys("c1")
            .hasEntrySatisfying(
                "c1",
                h ->
                    assertThat(h.records())
                        .extracting(FenceRecord::target)
                        .containsExactly("db-b"));

        two.close(); // db-b crashes: its session ends, its record stays
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> readerInventory.connected().equals(Set.of("c1/db-a")));
        assertThat(readerInventory.read().occupants()).hasSize(2);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    ZkMembership.read(reader, "/it/members").stream()
                        .map(r -> r.member().id().value())
                        .toList()
                        .equals(List.of(1)));
      }
    }
  }

  private static Set<MemberId> ids(int... ids) {
    return java.util.Arrays.stream(ids)
        .mapToObj(MemberId::of)
        .collect(java.util.stream.Collectors.toSet());
  }

  private static ZkArbiter arbiter(CuratorFramework client, int id) throws InterruptedException {
    return ZkArbiter.builder()
        .curator(client)
        .rootPath("/it/arbiter")
        .localMember(MemberId.of(id))
        .build();
  }

  private static QuorumService quorum(ZkArbiter arbiter, int id) {
    QuorumService quorum =
        QuorumService.builder(
                QuorumPolicy.builder(TWO).voteSource(arbiter.voteSource()).build(), MemberId.of(id))
            .build();
    arbiter.attach(quorum);
    return quorum;
  }

  private static ZkMembership membership(CuratorFramework client, int id, QuorumService quorum)
      throws InterruptedException {
    return ZkMembership.builder()
        .curator(client)
        .rootPath("/it/members")
        .localMember(new Member(MemberId.of(id), 1, "hv-" + id))
        .quorumService(quorum)
        .build();
  }
}
