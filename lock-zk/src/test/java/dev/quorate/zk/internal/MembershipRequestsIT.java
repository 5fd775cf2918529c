package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.ZkMembership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No herd: a membership change costs each member a few requests (a listing, and a read of the node
 * that came or changed), not a read of every member node. Counted on the server ({@code srvr}), not
 * timed. Re-reading every node on every change costs each member N + 1 requests per change: with N
 * = 10, over 190 for a join (the node, then its quorate flag) and 90 for a departure.
 */
@Timeout(120)
class MembershipRequestsIT {
  private static final int N = 10;

  /**
   * Requests per watching member and change: the listing, a read of the node that changed, and a
   * second listing when the node's watch and the list's fire apart.
   */
  private static final int PER_MEMBER = 3;

  /**
   * The joiner's own: its session, its registration, the listing, one read per member, its flag.
   */
  private static final int JOINER = N + 10;

  private static final String ROOT = "/it/members";
  private final QuorumPolicy policy = QuorumPolicy.builder(topology()).build();
  private final List<Joined> members = new ArrayList<>();
  private TestingServer server;

  private record Joined(CuratorFramework client, QuorumService quorum, ZkMembership membership)
      implements AutoCloseable {
    Membership sees() {
      return membership.current();
    }

    @Override
    public void close() {
      membership.close();
      quorum.close();
      client.close();
    }
  }

  private static Topology topology() {
    Topology.Builder topology = Topology.builder();
    for (int id = 1; id <= N; id++) {
      topology.member(id, 1, "hv-" + id);
    }
    return topology.build();
  }

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    members.forEach(Joined::close);
    server.close();
  }

  private Joined join(int id) throws Exception {
    // A long session: no pings while a change is counted.
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(
            server.getConnectString(), 60_000, 10_000, new RetryOneTime(100));
    client.start();
    client.blockUntilConnected();
    Member member = policy.topology().member(MemberId.of(id)).orElseThrow();
    QuorumService quorum = QuorumService.builder(policy, member.id()).build();
    ZkMembership membership =
        ZkMembership.builder()
            .curator(client)
            .rootPath(ROOT)
            .localMember(member)
            .quorumService(quorum)
            .build();
    Joined joined = new Joined(client, quorum, membership);
    members.add(joined);
    return joined;
  }

  /** Every member sees {@code count} members, each of the others reporting itself quorate. */
  private void awaitSettled(int count) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                members.stream()
                    .allMatch(
                        m ->
                            m.sees().present().size() == count
                                && m.sees().quorateReporters().size() == count - 1));
  }

  private long received() throws Exception {
    return ServerRequests.received(server);
  }

  @Test
  void aJoinAndADepartureCostEachMemberAFewRequestsNotOneReadPerMember() throws Exception {
    for (int id = 1; id < N; id++) {
      join(id);
    }
    awaitSettled(N - 1);

    long before = received();
    Joined last = join(N);
    awaitSettled(N);
    // Less the srvr that reads the count. Two changes: the node comes, then its quorate flag.
    long joinRequests = received() - before - 1;
    assertThat(joinRequests)
        .as("requests for a join of member %d", N)
        .isLessThanOrEqualTo(2 * PER_MEMBER * (N - 1) + JOINER);

    before = received();
    members.remove(last);
    last.close();
    awaitSettled(N - 1);
    long departureRequests = received() - before - 1;
    assertThat(departureRequests)
        .as("requests for its departure")
        .isLessThanOrEqualTo(PER_MEMBER * (N - 1) + 2); // and its delete, its session's close
  }
}
