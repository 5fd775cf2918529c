package dev.quorate.cli;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.Occupant;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.ZkFenceCoordinator;
import dev.quorate.zk.ZkHostInventory;
import dev.quorate.zk.ZkMembership;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * A real cluster of members on a ZooKeeper server, as cluster software builds it with Quorate: each
 * member has its own ZooKeeper session, a {@link QuorumService}, a {@link ZkMembership}
 * registration feeding it, and a host-inventory publication that follows its quorum. A member
 * {@link #crash}es by losing its session with no orderly leave, as a killed process or a power cut
 * does: its ephemeral nodes go, its occupancy record stays.
 */
final class MemberCluster implements AutoCloseable {
  /** One running member. */
  private record Running(
      CuratorFramework client,
      QuorumService quorum,
      ZkMembership membership,
      ZkHostInventory inventory,
      ZkHostInventory.Publication publication) {}

  private final String connect;
  private final String cluster;
  private final Topology topology;
  private final Map<MemberId, String> names = new LinkedHashMap<>();
  private final Map<String, Running> running = new LinkedHashMap<>();

  /**
   * Starts every member: {@code name@host} each with one vote, ids from 1 in order.
   *
   * @param connect the server
   * @param cluster the cluster's name
   * @param members e.g. {@code db-a@h1}
   */
  MemberCluster(String connect, String cluster, String... members) throws Exception {
    this.connect = connect;
    this.cluster = cluster;
    Topology.Builder topology = Topology.builder();
    Map<String, Member> byName = new LinkedHashMap<>();
    for (int i = 0; i < members.length; i++) {
      String[] parts = members[i].split("@");
      topology.member(i + 1, 1, parts[1]);
      names.put(MemberId.of(i + 1), parts[0]);
      byName.put(parts[0], new Member(MemberId.of(i + 1), 1, parts[1]));
    }
    this.topology = topology.build();
    for (Map.Entry<String, Member> m : byName.entrySet()) {
      start(m.getKey(), m.getValue());
    }
  }

  private void start(String name, Member member) throws Exception {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(connect, 10_000, 5_000, new RetryOneTime(100));
    client.start();
    QuorumService quorum =
        QuorumService.builder(QuorumPolicy.builder(topology).build(), member.id()).build();
    ZkMembership membership =
        ZkMembership.builder().curator(client).localMember(member).quorumService(quorum).build();
    ZkHostInventory inventory = ZkHostInventory.builder(client).build();
    ZkHostInventory.Publication publication =
        inventory.publish(new Occupant(cluster, name, member.host(), 1, Occupant.Role.ACTIVE));
    publication.followQuorum(quorum, names);
    running.put(name, new Running(client, quorum, membership, inventory, publication));
  }

  /**
   * Ends a member's session without an orderly leave.
   *
   * @param name the member
   */
  void crash(String name) {
    Running r = running.remove(name);
    // Closing the client ends the session at once; the membership and publication are not closed,
    // so nothing deletes the occupancy record, as after a real crash.
    r.client().close();
    r.quorum().close();
  }

  /**
   * Records a successful power-off of {@code target} by {@code fencer} in the cluster's shared
   * fence history, as the fencer of a member with a {@link ZkFenceCoordinator} does.
   *
   * @param fencer a running member
   * @param target the member fenced
   */
  void recordFence(String fencer, String target) throws Exception {
    ZkFenceCoordinator coordinator =
        ZkFenceCoordinator.builder(running.get(fencer).client(), cluster, fencer).build();
    Instant now = Instant.now();
    coordinator
        .history()
        .append(
            new FenceRecord(
                now,
                now,
                fencer,
                target,
                FenceAction.OFF,
                1,
                List.of("pdu-1"),
                FenceResult.Status.SUCCEEDED,
                FenceReason.FENCED,
                "powered off through pdu-1"));
  }

  CuratorFramework client(String name) {
    return running.get(name).client();
  }

  @Override
  public void close() {
    for (Running r : running.values()) {
      r.publication().close();
      r.inventory().close();
      r.membership().close();
      r.quorum().close();
      r.client().close();
    }
    running.clear();
  }
}
