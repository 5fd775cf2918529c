package dev.quorate.cli;

import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LockInspection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One read of everything the ensemble publishes about its clusters: what {@code quorate status}
 * prints, {@code --json} encodes and {@code quorate serve} shows.
 *
 * @param connect the connect string read
 * @param readAt when the read began (this machine's wall clock, for people)
 * @param clusters each cluster of the host inventory, by name
 * @param hosts each physical host with its occupants, by name
 * @param membership the members registered through ZkMembership, if any
 * @param arbiter what the arbiter's witness holds, if any member reports there
 * @param quorumDisk the quorum disk read, if one was given
 * @param fences the most recent fence records of every cluster, oldest first
 * @param locks the lock space's holders and waiters
 * @param elections each election's leader, in name order
 * @param health the worst health shown
 * @param problems what could not be read or looks wrong, for people
 */
record Status(
    String connect,
    Instant readAt,
    List<ClusterState> clusters,
    List<HostBox> hosts,
    Optional<MembershipState> membership,
    Optional<ArbiterState> arbiter,
    Optional<QuorumDiskState> quorumDisk,
    List<FenceEntry> fences,
    LockState locks,
    List<ElectionState> elections,
    Health health,
    List<String> problems) {
  Status {
    clusters = List.copyOf(clusters);
    hosts = List.copyOf(hosts);
    fences = List.copyOf(fences);
    elections = List.copyOf(elections);
    problems = List.copyOf(problems);
  }

  /**
   * One member as the host inventory publishes it.
   *
   * @param cluster its cluster
   * @param name its name in the cluster
   * @param host the physical host it runs on (last published)
   * @param votes its votes
   * @param role active, standby or other
   * @param connected whether its ZooKeeper session lives
   * @param inPartition whether its cluster's quorate view counts it
   */
  record MemberState(
      String cluster,
      String name,
      String host,
      int votes,
      String role,
      boolean connected,
      boolean inPartition) {}

  /**
   * One cluster.
   *
   * @param name the cluster's name
   * @param health how it is doing
   * @param why the reason, in a sentence
   * @param quorate whether a member publishes a quorate view
   * @param threshold the view's quorum threshold, 0 without a view
   * @param expectedVotes the sum of its members' votes
   * @param partitionVotes the votes of the members in the view's partition
   * @param members its members, by name
   */
  record ClusterState(
      String name,
      Health health,
      String why,
      boolean quorate,
      int threshold,
      int expectedVotes,
      int partitionVotes,
      List<MemberState> members) {
    ClusterState {
      members = List.copyOf(members);
    }
  }

  /**
   * One record of a cluster's fence history.
   *
   * @param cluster the cluster whose history holds it
   * @param record the record
   */
  record FenceEntry(String cluster, FenceRecord record) {}

  /**
   * A physical host and what runs on it, of every cluster.
   *
   * @param name the host
   * @param occupants its members (VMs), of any cluster
   */
  record HostBox(String name, List<MemberState> occupants) {
    HostBox {
      occupants = List.copyOf(occupants);
    }
  }

  /**
   * The members registered under a ZkMembership root.
   *
   * @param path the root
   * @param health quorate flags as a health
   * @param members each member's newest registration
   */
  record MembershipState(String path, Health health, List<Registered> members) {
    MembershipState {
      members = List.copyOf(members);
    }
  }

  /**
   * One registered member.
   *
   * @param id its member id
   * @param votes its votes
   * @param host its host
   * @param incarnation its incarnation
   * @param quorate whether it reports itself quorate
   */
  record Registered(int id, int votes, String host, long incarnation, boolean quorate) {}

  /**
   * The arbiter, as its witness shows it.
   *
   * @param path the arbiter's root
   * @param reports member id, partition, heuristics and whether it counts the vote
   * @param votedPartition the partition holding the vote; empty if nobody holds it
   * @param tokenOwner the member whose session holds the vote token, or 0
   */
  record ArbiterState(
      String path, List<ArbiterEntry> reports, List<Integer> votedPartition, int tokenOwner) {
    ArbiterState {
      reports = List.copyOf(reports);
      votedPartition = List.copyOf(votedPartition);
    }
  }

  /**
   * One member's report to the arbiter.
   *
   * @param member the reporting member
   * @param partition the partition it sees
   * @param score its ffsplit score
   * @param casting whether it counts the arbiter's vote now
   */
  record ArbiterEntry(int member, List<Integer> partition, int score, boolean casting) {
    ArbiterEntry {
      partition = List.copyOf(partition);
    }
  }

  /**
   * A quorum disk, watched until each node is judged.
   *
   * @param path the disk
   * @param cluster the cluster named in its header
   * @param master the heartbeating node whose slot says MASTER with the highest term, or 0
   * @param tko heartbeats without a change after which a node is DOWN (the disk's timing)
   * @param slots each used heartbeat slot
   */
  record QuorumDiskState(String path, String cluster, int master, int tko, List<DiskSlot> slots) {
    QuorumDiskState {
      slots = List.copyOf(slots);
    }
  }

  /**
   * One heartbeat slot, as judged.
   *
   * @param node the node id
   * @param state what to show: the slot's state while the node heartbeats (or STOPPED), else DOWN
   * @param lastWritten the state the slot itself says
   * @param heartbeating whether its slot was seen to change while it was watched
   * @param host the writer's host label
   * @param term the master term it saw or holds
   * @param sequence its heartbeat sequence
   */
  record DiskSlot(
      int node,
      String state,
      String lastWritten,
      boolean heartbeating,
      String host,
      long term,
      long sequence) {}

  /**
   * The lock space under one lock root.
   *
   * @param path the lock root
   * @param resources how many resources are held or waited for
   * @param held how many leases are granted, over all resources
   * @param waiting how many requests wait, over all resources
   * @param shown the first of those resources in name order, at most {@link StatusLocks#SHOWN}
   */
  record LockState(String path, int resources, int held, int waiting, List<LockInspection> shown) {
    LockState {
      shown = List.copyOf(shown);
    }
  }

  /**
   * One election.
   *
   * @param name its name
   * @param leader who leads it now, if anybody
   */
  record ElectionState(String name, Optional<Leader> leader) {}
}
