package dev.quorate.samples.docs;

import dev.quorate.lock.LockManager;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumGate;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import dev.quorate.zk.ArbiterHeuristic;
import dev.quorate.zk.Ffsplit;
import dev.quorate.zk.ZkArbiter;
import dev.quorate.zk.ZkLockManager;
import dev.quorate.zk.ZkMembership;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/**
 * The ZooKeeper membership and arbiter examples of docs/quorum.md; they need an ensemble and a
 * witness, so they are compiled here and run for real in lock-zk's ZkMembershipIT and ZkArbiterIT.
 */
final class MembershipExamples {
  private MembershipExamples() {}

  /** docs/quorum.md, "Membership through ZooKeeper". */
  static LockManager membership(QuorumPolicy policy, CuratorFramework curator)
      throws InterruptedException {
    QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build();
    ZkMembership membership =
        ZkMembership.builder()
            .curator(curator) // or .connectString("zk1:2181,zk2:2181,zk3:2181")
            .localMember(new Member(MemberId.of(1), 1, "hv-1"))
            .quorumService(quorum)
            .build();
    LockManager locks =
        QuorumGate.requireQuorum(ZkLockManager.builder().curator(curator).build(), quorum);
    return locks;
  }

  /** docs/quorum.md, "External arbiter (ffsplit) on a ZooKeeper witness". */
  static QuorumService arbiter(Topology topology) throws InterruptedException {
    ZkArbiter arbiter =
        ZkArbiter.builder()
            .connectString("witness:2181")
            .localMember(MemberId.of(1))
            .heuristic(
                ArbiterHeuristic.command(
                    List.of("ping", "-c", "1", "10.0.0.1"), Duration.ofSeconds(2)))
            .lastResort(Ffsplit.LastResort.LOWEST_ID)
            .build();
    QuorumPolicy policy = QuorumPolicy.builder(topology).voteSource(arbiter.voteSource()).build();
    QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build();
    arbiter.attach(quorum);
    return quorum;
  }
}
