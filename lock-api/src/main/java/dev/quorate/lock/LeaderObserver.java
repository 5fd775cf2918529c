package dev.quorate.lock;

import java.util.Optional;

/**
 * Hears who leads an {@link Election}: see {@link Election#addObserver}.
 *
 * <pre>{@code
 * election.addObserver(leader -> dashboard.show(leader.map(Leader::candidate).orElse("nobody")));
 * }</pre>
 */
@FunctionalInterface
public interface LeaderObserver {
  /**
   * Called once per change seen.
   *
   * @param leader the new leader, or empty when nobody leads
   */
  void onLeader(Optional<Leader> leader);
}
