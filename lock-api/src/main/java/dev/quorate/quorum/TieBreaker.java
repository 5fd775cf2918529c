package dev.quorate.quorum;

import java.util.Arrays;
import java.util.List;

/**
 * Decides a 50:50 split: whether a partition holding exactly half of the expected votes may be
 * quorate (corosync's auto_tie_breaker). Implementations must never grant both halves of one split;
 * the built-in ones rely on history both halves share (see {@link TieContext}).
 *
 * <p>The built-in tie-breakers follow votequorum:
 *
 * <ul>
 *   <li>{@link #lowest()}: the half holding the lowest member id of the last membership that was
 *       quorate by votes. If that member is gone, neither half wins: the other half might hold it.
 *   <li>{@link #highest()}: the same with the highest id.
 *   <li>{@link #ordered(List)}: walk the list; the first listed member present in the partition
 *       wins for it, unless a member listed before it was in the membership just before the split
 *       (it may be alive on the other side).
 * </ul>
 *
 * <p>Later implementations (the quorum-disk master, an external arbiter) may ask a third party.
 * {@link QuorumPolicy} calls {@link #grants} only for an exact half, on the evaluating thread.
 *
 * <pre>{@code
 * QuorumPolicy policy = QuorumPolicy.builder(topology)
 *     .autoTieBreaker(TieBreaker.ordered(List.of(MemberId.of(3), MemberId.of(1))))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface TieBreaker {
  /**
   * Decides whether the partition described by {@code context} wins the tie.
   *
   * @param context the partition and the history it shares with the other half
   * @return true if this partition may be quorate with exactly half of the expected votes; an
   *     exception counts as false (and is logged)
   */
  boolean grants(TieContext context);

  /**
   * Checks this tie-breaker against the topology at configuration time.
   *
   * @param topology the configured cluster
   * @throws dev.quorate.lock.ConfigurationException if the tie-breaker names unknown members
   */
  default void validate(Topology topology) {}

  /**
   * Returns the tie-breaker favouring the lowest member id (votequorum's default).
   *
   * @return the tie-breaker
   */
  static TieBreaker lowest() {
    return IdOrderTieBreaker.LOWEST;
  }

  /**
   * Returns the tie-breaker favouring the highest member id.
   *
   * @return the tie-breaker
   */
  static TieBreaker highest() {
    return IdOrderTieBreaker.HIGHEST;
  }

  /**
   * Returns the tie-breaker favouring members in the given order.
   *
   * @param order member ids, most preferred first; not empty, no repeats, all configured
   * @return the tie-breaker
   * @throws dev.quorate.lock.ConfigurationException if the list is empty or repeats an id
   */
  static TieBreaker ordered(List<MemberId> order) {
    return new ListTieBreaker(order);
  }

  /**
   * Returns the tie-breaker favouring members in the given order.
   *
   * @param order member ids, most preferred first; not empty, no repeats, all configured
   * @return the tie-breaker
   * @throws dev.quorate.lock.ConfigurationException if the list is empty or repeats an id
   */
  static TieBreaker ordered(int... order) {
    return ordered(Arrays.stream(order).mapToObj(MemberId::of).toList());
  }
}
