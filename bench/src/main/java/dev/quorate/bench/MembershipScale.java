package dev.quorate.bench;

import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.ZkMembership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * M members on one ensemble, each its own session, {@link ZkMembership} and quorum service. M - 1
 * join first (in parallel, not measured); then the M-th joins and, once every member counts it,
 * leaves cleanly. Measured: how long its join takes, how long until every member sees the join and
 * the departure, and the requests the server received per change (the session pings of the idle
 * second before the change, scaled to the change's duration, taken off).
 */
final class MembershipScale {
  static final String TITLE = "membership (M members on one ensemble)";

  /** How long after the last member saw a change its requests are still counted. */
  private static final Duration SETTLE = Duration.ofSeconds(1);

  private MembershipScale() {}

  private record Joined(CuratorFramework client, QuorumService quorum, ZkMembership membership)
      implements AutoCloseable {
    int sees() {
      return membership.current().present().size();
    }

    @Override
    public void close() {
      membership.close();
      quorum.close();
      client.close();
    }
  }

  static ScalePoint run(BenchCluster cluster, int m, String run) throws Exception {
    Topology.Builder topology = Topology.builder();
    for (int id = 1; id <= m; id++) {
      topology.member(id, 1, "hv-" + id);
    }
    QuorumPolicy policy = QuorumPolicy.builder(topology.build()).build();
    String root = "/bench/members-" + run + "-" + m;
    List<Joined> members = new ArrayList<>();
    ExecutorService joiners = Executors.newFixedThreadPool(8);
    try {
      List<Future<Joined>> joining = new ArrayList<>();
      for (int id = 1; id < m; id++) {
        int member = id;
        joining.add(joiners.submit(() -> join(cluster, policy, member, root)));
      }
      for (Future<Joined> joined : joining) {
        members.add(joined.get());
      }
      Duration bound = Duration.ofSeconds(60);
      Waits.until(() -> allSee(members, m - 1), bound, (m - 1) + " members seeing each other");
      double pingsPerNano = idleRequestRate(cluster);

      long requestsBefore = cluster.requestsReceived();
      long began = System.nanoTime();
      Joined last = join(cluster, policy, m, root);
      long joinedAt = System.nanoTime();
      members.add(last);
      Waits.until(() -> allSee(members, m), bound, "every member seeing member " + m);
      long joinSeen = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(SETTLE.toNanos()); // a measurement window, not a synchronisation
      double joinRequests =
          cluster.requestsReceived() - requestsBefore - pingsPerNano * (System.nanoTime() - began);

      requestsBefore = cluster.requestsReceived();
      long leaving = System.nanoTime();
      members.remove(last);
      last.close();
      Waits.until(() -> allSee(members, m - 1), bound, "every member seeing member " + m + " go");
      long leaveSeen = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(SETTLE.toNanos());
      double leaveRequests =
          cluster.requestsReceived()
              - requestsBefore
              - pingsPerNano * (System.nanoTime() - leaving);

      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("join ms", (joinedAt - began) / 1e6);
      figures.put("join seen by all ms", (joinSeen - began) / 1e6);
      figures.put("departure seen by all ms", (leaveSeen - leaving) / 1e6);
      figures.put("ZK requests per join", Math.max(0, joinRequests));
      figures.put("ZK requests per departure", Math.max(0, leaveRequests));
      figures.put("requests per member per departure", Math.max(0, leaveRequests) / (m - 1));
      return new ScalePoint(TITLE, "Quorate ZkMembership", m, Double.NaN, Double.NaN, figures);
    } finally {
      joiners.shutdownNow();
      members.forEach(Joined::close);
    }
  }

  private static Joined join(BenchCluster cluster, QuorumPolicy policy, int id, String root)
      throws Exception {
    Member member = policy.topology().member(MemberId.of(id)).orElseThrow();
    CuratorFramework client = cluster.newClient();
    QuorumService quorum = QuorumService.builder(policy, member.id()).build();
    try {
      ZkMembership membership =
          ZkMembership.builder()
              .curator(client)
              .rootPath(root)
              .localMember(member)
              .quorumService(quorum)
              .build();
      return new Joined(client, quorum, membership);
    } catch (RuntimeException | InterruptedException e) {
      quorum.close();
      client.close();
      throw e;
    }
  }

  private static boolean allSee(List<Joined> members, int count) {
    return members.stream().allMatch(joined -> joined.sees() == count);
  }

  /** Requests per nanosecond while nothing changes: the sessions' pings. */
  private static double idleRequestRate(BenchCluster cluster) throws InterruptedException {
    long before = cluster.requestsReceived();
    long began = System.nanoTime();
    TimeUnit.SECONDS.sleep(1);
    return (cluster.requestsReceived() - before) / (double) (System.nanoTime() - began);
  }
}
