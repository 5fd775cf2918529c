package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumReason;
import dev.quorate.quorum.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
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
 * Five members on a three-server ensemble, each with its own session, quorum service and gated lock
 * manager; a 3/2 split made by cutting two members off (their proxies drop and refuse connections)
 * and expiring their sessions on the server.
 */
@Timeout(120)
class ZkMembershipIT {
  private TestingCluster cluster;
  private final List<QuorumMember> members = new ArrayList<>();

  private List<InstanceSpec> specs;

  @BeforeEach
  void startEnsemble() throws Exception {
    specs = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      specs.add(new InstanceSpec(null, -1, -1, -1, true, id, 500, -1));
    }
    cluster = new TestingCluster(specs);
    cluster.start();
  }

  private static QuorumPolicy.Builder fiveMembers() {
    Topology.Builder topology = Topology.builder();
    for (int id = 1; id <= 5; id++) {
      topology.member(id, 1, "hv-" + id);
    }
    return QuorumPolicy.builder(topology.build());
  }

  private QuorumMember start(int id, QuorumPolicy policy) throws Exception {
    Member member = policy.topology().member(MemberId.of(id)).orElseThrow();
    return new QuorumMember(member, specs.get((id - 1) % 3).getPort(), policy);
  }

  private void startFive() throws Exception {
    QuorumPolicy policy = fiveMembers().build();
    for (int id = 1; id <= 5; id++) {
      members.add(start(id, policy));
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> members.stream().allMatch(m -> m.membership.current().present().size() == 5));
    assertThat(members).allMatch(m -> m.quorum.grantsAllowed());
  }

  @AfterEach
  void stopAll() throws Exception {
    for (QuorumMember m : members) {
      m.close();
    }
    cluster.close();
  }

  private QuorumMember member(int id) {
    return members.stream().filter(m -> m.id().value() == id).findFirst().orElseThrow();
  }

  private void stop(int id) throws Exception {
    QuorumMember m = member(id);
    members.remove(m);
    m.close();
  }

  @Test
  void threeSideKeepsQuorumAndGrantsTwoSideStopsAtOnce() throws Exception {
    startFive();
    Lease survivorLease = member(1).locks.lock("survivor").acquire(LockMode.EX);
    Lease victimLease = member(4).locks.lock("victim").acquire(LockMode.EX);

    long cut = System.nanoTime();
    member(4).proxy.block();
    member(5).proxy.block();

    // SUSPENDED is enough: the cut-off side stops long before its 3 s session could expire.
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> !member(4).quorum.grantsAllowed() && !member(5).quorum.grantsAllowed());
    assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(QuorumMember.SESSION);
    assertThat(member(4).membership.current().present()).containsExactly(MemberId.of(4));
    await().atMost(Duration.ofSeconds(2)).until(() -> victimLease.state() == LeaseState.LOST);
    assertThatThrownBy(() -> member(5).locks.lock("other").tryAcquire(LockMode.EX, Duration.ZERO))
        .isInstanceOfSatisfying(
            QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_QUORUM));

    // The ensemble ends the victims' sessions; the other three see them go and stay quorate.
    expireOnServer(member(4).zooKeeper());
    expireOnServer(member(5).zooKeeper());
    Set<MemberId> three = Set.of(MemberId.of(1), MemberId.of(2), MemberId.of(3));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                members.subList(0, 3).stream()
                    .allMatch(m -> m.membership.current().present().equals(three)));
    for (QuorumMember m : members.subList(0, 3)) {
      assertThat(m.quorum.state().quorate()).as("member %s", m.id()).isTrue();
      assertThat(m.quorum.state().votes()).isEqualTo(3);
    }
    assertThat(survivorLease.state()).isEqualTo(LeaseState.GRANTED);
    Optional<Lease> granted =
        member(2).locks.lock("victim").tryAcquire(LockMode.EX, Duration.ofSeconds(10));
    assertThat(granted).as("the 3 side grants the lock the cut-off member held").isPresent();
    granted.get().release();
    assertThat(member(4).quorum.grantsAllowed()).isFalse();
    assertThat(member(5).quorum.grantsAllowed()).isFalse();

    // Heal: the cut-off members come back with new sessions and all five are quorate again.
    member(4).proxy.unblock();
    member(5).proxy.unblock();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                members.stream()
                    .allMatch(
                        m ->
                            m.quorum.grantsAllowed()
                                && m.membership.current().present().size() == 5));
    assertThat(member(4).membership.incarnation()).isEqualTo(2);
  }

  @Test
  void cutOffMemberRejoinsWithANewIncarnationAndQuorumReturns() throws Exception {
    startFive();
    long before = member(5).membership.incarnation();
    member(5).proxy.block();
    await().atMost(Duration.ofSeconds(2)).until(() -> !member(5).quorum.grantsAllowed());
    expireOnServer(member(5).zooKeeper());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> member(1).membership.current().present().size() == 4);

    member(5).proxy.unblock();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                member(5).quorum.grantsAllowed()
                    && member(1).membership.current().present().size() == 5);
    assertThat(member(5).membership.incarnation()).isGreaterThan(before);
    assertThat(member(5).membership.current().present()).hasSize(5);
    Lease lease = member(5).locks.lock("back").acquire(LockMode.EX);
    lease.release();
  }

  @Test
  void suspendedThenReconnectedWithTheSameSessionIsQuorateAgain() throws Exception {
    startFive();
    long session = member(3).zooKeeper().getSessionId();
    long incarnation = member(3).membership.incarnation();
    member(3).proxy.block();
    await().atMost(Duration.ofSeconds(2)).until(() -> !member(3).quorum.grantsAllowed());
    member(3).proxy.unblock(); // well within the 3 s session
    await().atMost(Duration.ofSeconds(10)).until(() -> member(3).quorum.grantsAllowed());
    assertThat(member(3).zooKeeper().getSessionId()).isEqualTo(session);
    assertThat(member(3).membership.incarnation()).isEqualTo(incarnation);
    assertThat(member(3).membership.current().present()).hasSize(5);
  }

  @Test
  void restartedMemberJoinsAQuoratePartitionWithoutWaitingForAll() throws Exception {
    QuorumPolicy policy = fiveMembers().waitForAll(true).build();
    for (int id = 1; id <= 4; id++) {
      members.add(start(id, policy));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> member(1).membership.current().present().size() == 4);
    assertThat(member(1).quorum.state().reason())
        .as("4 of 5 never met all")
        .isEqualTo(QuorumReason.WAITING_FOR_ALL);
    assertThat(member(1).quorum.grantsAllowed()).isFalse();

    members.add(start(5, policy));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> members.stream().allMatch(m -> m.quorum.grantsAllowed()));
    stop(4);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> member(1).membership.current().present().size() == 4);
    assertThat(member(1).quorum.grantsAllowed()).isTrue();

    // A fresh process of member 5 would wait for all 5 votes, but its peers publish that they are
    // quorate in their member nodes, so it joins their partition at once.
    stop(5);
    QuorumMember restarted = start(5, policy);
    members.add(restarted);
    await().atMost(Duration.ofSeconds(10)).until(() -> restarted.quorum.grantsAllowed());
    assertThat(restarted.membership.current().quorateReporters())
        .contains(MemberId.of(1), MemberId.of(2), MemberId.of(3));
  }

  @Test
  void memberNodeDeletedByHandIsRegisteredAgain() throws Exception {
    startFive();
    String node =
        member(1).curator.getChildren().forPath("/it/members").stream()
            .filter(name -> name.startsWith("member-2-"))
            .findFirst()
            .orElseThrow();
    member(1).curator.delete().forPath("/it/members/" + node);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                member(2).membership.incarnation() == 2
                    && members.stream()
                        .allMatch(m -> m.membership.current().present().size() == 5));
    assertThat(member(2).quorum.grantsAllowed()).isTrue();
  }

  @Test
  void anUnreadableForeignNodeUnderTheRootDoesNotFreezeTheMembership() throws Exception {
    startFive();
    // Another tool's node under the members' root, readable only by its own identity.
    Id owner = new Id("digest", DigestAuthenticationProvider.generateDigest("other:secret"));
    member(1)
        .curator
        .create()
        .withACL(List.of(new ACL(ZooDefs.Perms.ALL, owner)))
        .forPath("/it/members/member-9-foreign");

    stop(5);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> members.stream().allMatch(m -> m.membership.current().present().size() == 4));
  }

  private void expireOnServer(ZooKeeper victim) throws Exception {
    ServerSessions.expire(cluster.getConnectString(), victim);
  }
}
