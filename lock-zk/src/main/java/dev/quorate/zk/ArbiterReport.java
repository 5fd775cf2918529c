package dev.quorate.zk;

import dev.quorate.quorum.MemberId;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one member tells the arbiter, like a qdevice's message to corosync-qnetd: the partition it
 * sees, how its heuristics went, and whether it was quorate before its partition last changed.
 *
 * <pre>{@code
 * ArbiterReport report = new ArbiterReport(
 *     MemberId.of(1), new TreeSet<>(Set.of(MemberId.of(1), MemberId.of(2))), 1, 0, true);
 * }</pre>
 *
 * @param member the reporting member
 * @param partition the members it sees in its partition, itself included
 * @param heuristicsPassed how many of its heuristics passed, not negative
 * @param heuristicsFailed how many failed or timed out, not negative
 * @param previouslyQuorate whether the member was quorate just before its partition last changed
 */
public record ArbiterReport(
    MemberId member,
    SortedSet<MemberId> partition,
    int heuristicsPassed,
    int heuristicsFailed,
    boolean previouslyQuorate) {
  /**
   * Validates and copies the report.
   *
   * @param member the reporting member
   * @param partition the members it sees, including itself
   * @param heuristicsPassed not negative
   * @param heuristicsFailed not negative
   * @param previouslyQuorate whether it was quorate before the last change
   * @throws NullPointerException if {@code member} or {@code partition} is null
   * @throws IllegalArgumentException if a count is negative or the partition lacks the member
   */
  public ArbiterReport {
    Objects.requireNonNull(member, "member");
    partition = ArbiterReport.sorted(partition);
    if (heuristicsPassed < 0 || heuristicsFailed < 0) {
      throw new IllegalArgumentException(
          "heuristic counts of member "
              + member
              + " must not be negative; got passed="
              + heuristicsPassed
              + ", failed="
              + heuristicsFailed);
    }
    if (!partition.contains(member)) {
      throw new IllegalArgumentException(
          "partition " + partition + " reported by member " + member + " must contain it");
    }
  }

  /**
   * Returns this member's contribution to its partition's score: 1 for being connected, plus
   * heuristics passed, minus heuristics failed (qnetd's ffsplit score).
   *
   * @return the score contribution
   */
  public int score() {
    return 1 + heuristicsPassed - heuristicsFailed;
  }

  /** Sorted, unmodifiable copy of member ids. */
  static SortedSet<MemberId> sorted(Collection<MemberId> ids) {
    Objects.requireNonNull(ids, "ids").forEach(id -> Objects.requireNonNull(id, "member id"));
    return Collections.unmodifiableSortedSet(new TreeSet<>(ids));
  }
}
