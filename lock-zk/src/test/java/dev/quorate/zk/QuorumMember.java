package dev.quorate.zk;

import dev.quorate.lock.LockManager;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.NoQuorumPolicy;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;

/**
 * One cluster member of the quorum ITs: its own client (through its own proxy), quorum service,
 * ZooKeeper membership and a lock manager gated by quorum.
 */
final class QuorumMember implements AutoCloseable {
  static final Duration SESSION = Duration.ofSeconds(3);

  final Member member;
  final TcpProxy proxy;
  final CuratorFramework curator;
  final QuorumService quorum;
  final ZkMembership membership;
  final ZkLockManager zkLocks;
  final LockManager locks;

  QuorumMember(Member member, int serverPort, QuorumPolicy policy) throws Exception {
    this.member = member;
    this.proxy = new TcpProxy(serverPort);
    this.curator = client(proxy.connectString());
    this.quorum =
        QuorumService.builder(policy, member.id()).noQuorumPolicy(NoQuorumPolicy.STOP).build();
    this.membership =
        ZkMembership.builder()
            .curator(curator)
            .rootPath("/it/members")
            .localMember(member)
            .quorumService(quorum)
            .build();
    this.zkLocks =
        ZkLockManager.builder().curator(curator).connectionTimeout(Duration.ofSeconds(20)).build();
    this.locks = QuorumGate.requireQuorum(zkLocks, quorum);
  }

  static CuratorFramework client(String connectString) {
    return CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs(Math.toIntExact(SESSION.toMillis()))
        .connectionTimeoutMs(Math.toIntExact(SESSION.toMillis()))
        .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 30))
        // Curator would otherwise learn the servers' real addresses from the ensemble's config and
        // reconnect around the proxy after its session was lost.
        .ensembleTracker(false)
        .build();
  }

  MemberId id() {
    return member.id();
  }

  ZooKeeper zooKeeper() throws Exception {
    return curator.getZookeeperClient().getZooKeeper();
  }

  @Override
  public void close() throws java.io.IOException {
    locks.close();
    membership.close();
    quorum.close();
    curator.close();
    proxy.close();
  }
}
