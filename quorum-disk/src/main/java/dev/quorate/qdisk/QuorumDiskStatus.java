package dev.quorate.qdisk;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the local node's quorum disk engine, published after every heartbeat.
 *
 * <pre>{@code
 * QuorumDiskStatus s = qdisk.status();
 * System.out.println("master " + s.master().map(String::valueOf).orElse("none"));
 * }</pre>
 *
 * @param nodeId the local node
 * @param incarnation the local incarnation
 * @param sequence the local sequence last written
 * @param state the local state
 * @param fenced whether the node fenced itself (the engine has stopped)
 * @param master the master the local node recognises, if any
 * @param term the highest master term seen
 * @param score the local heuristics score
 * @param eligible whether the local node may become master
 * @param heartbeats heartbeats run since start
 * @param ownMisses heartbeats that did not renew on a majority of disks
 * @param nodes every other node with a slot
 * @param disks every disk, in configuration order
 */
public record QuorumDiskStatus(
    int nodeId,
    long incarnation,
    long sequence,
    SlotState state,
    boolean fenced,
    Optional<Integer> master,
    long term,
    int score,
    boolean eligible,
    long heartbeats,
    long ownMisses,
    List<NodeStatus> nodes,
    List<DiskHealth> disks) {
  /**
   * Copies the lists.
   *
   * @param nodeId the local node
   * @param incarnation the incarnation
   * @param sequence the sequence
   * @param state the state
   * @param fenced whether fenced
   * @param master the master
   * @param term the term
   * @param score the score
   * @param eligible eligibility
   * @param heartbeats heartbeats run
   * @param ownMisses own misses
   * @param nodes the peers
   * @param disks the disks
   */
  public QuorumDiskStatus {
    nodes = List.copyOf(nodes);
    disks = List.copyOf(disks);
  }
}
