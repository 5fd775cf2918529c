package dev.quorate.qdisk;

import dev.quorate.qdisk.internal.UpNodes;
import java.util.List;
import java.util.Objects;

/**
 * One node's heartbeat record, written only by that node. Peers judge liveness by whether {@link
 * #sequence()} changes, timed on their own clocks; nothing here is a timestamp.
 *
 * <pre>{@code
 * HeartbeatSlot mine =
 *     HeartbeatSlot.empty(2).withHost("vm2 pid 4242").next(SlotState.RUN, 1, true, 1, 7, List.of(1, 2, 3));
 * }</pre>
 *
 * @param nodeId the owner's node id, equal to the slot number
 * @param incarnation raised on every start of the owner; a change tells peers it restarted
 * @param sequence raised on every write; never wraps
 * @param state what the owner says about itself
 * @param score the owner's heuristics score
 * @param eligible whether the owner's score allows it to be master
 * @param vote the node id the owner wants (or accepts) as master, 0 for none
 * @param term the master term the owner last saw or holds; raised by each new master
 * @param upNodes the node ids the owner currently sees UP, kept ascending and each once
 * @param host the writer's host and process ("vm2 pid 4242"), at most {@link #MAX_HOST_BYTES} bytes
 *     of UTF-8: names both processes when two run with one node id
 */
public record HeartbeatSlot(
    int nodeId,
    long incarnation,
    long sequence,
    SlotState state,
    int score,
    boolean eligible,
    int vote,
    long term,
    List<Integer> upNodes,
    String host) {

  /** The longest host label a slot stores, in bytes of UTF-8. */
  public static final int MAX_HOST_BYTES = 64;

  /**
   * Validates and copies.
   *
   * @param nodeId the owner
   * @param incarnation the incarnation
   * @param sequence the sequence
   * @param state the state
   * @param score the score
   * @param eligible eligibility
   * @param vote the vote
   * @param term the term
   * @param upNodes the nodes seen UP
   * @param host the writer's host label
   * @throws IllegalArgumentException if a number is out of range or the host label too long
   */
  public HeartbeatSlot {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(host, "host");
    if (host.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_HOST_BYTES) {
      throw new IllegalArgumentException(
          "host label '" + host + "' is longer than " + MAX_HOST_BYTES + " bytes of UTF-8");
    }
    // Compact and boxed nowhere: every node decodes every peer's record every interval.
    upNodes = UpNodes.copyOf(upNodes);
    if (nodeId < 1 || nodeId > DiskHeader.MAX_SLOTS) {
      throw new IllegalArgumentException("node id " + nodeId + " out of range 1..255");
    }
    if (incarnation < 0 || sequence < 0 || term < 0 || vote < 0) {
      throw new IllegalArgumentException("negative counter in slot of node " + nodeId);
    }
  }

  /**
   * Returns the slot as format writes it.
   *
   * @param nodeId the slot's node id
   * @return an EMPTY slot with incarnation and sequence 0
   */
  public static HeartbeatSlot empty(int nodeId) {
    return new HeartbeatSlot(nodeId, 0, 0, SlotState.EMPTY, 0, false, 0, 0, List.of(), "");
  }

  /**
   * Returns this record with another host label.
   *
   * @param label the writer's host and process
   * @return a copy naming {@code label}
   * @throws IllegalArgumentException if the label is too long
   */
  public HeartbeatSlot withHost(String label) {
    return new HeartbeatSlot(
        nodeId, incarnation, sequence, state, score, eligible, vote, term, upNodes, label);
  }

  /**
   * Returns the next record of the same incarnation.
   *
   * @param newState the state
   * @param newScore the score
   * @param nowEligible eligibility
   * @param newVote the vote
   * @param newTerm the term
   * @param up the nodes seen UP
   * @return a record with the sequence raised by one
   * @throws ArithmeticException if the sequence is at its maximum
   */
  public HeartbeatSlot next(
      SlotState newState,
      int newScore,
      boolean nowEligible,
      int newVote,
      long newTerm,
      List<Integer> up) {
    return new HeartbeatSlot(
        nodeId,
        incarnation,
        Math.addExact(sequence, 1),
        newState,
        newScore,
        nowEligible,
        newVote,
        newTerm,
        up,
        host);
  }
}
