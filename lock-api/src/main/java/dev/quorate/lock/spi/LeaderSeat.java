package dev.quorate.lock.spi;

import dev.quorate.lock.Leader;
import java.util.Optional;

/**
 * What an election needs of a lock manager: a queue of candidates with one permit, whose holder can
 * be read and watched. The permit's token is the leadership's epoch; {@link PermitElection} builds
 * the rest (leadership that ends at SUSPECT, observers) the same way for every manager.
 */
public interface LeaderSeat {
  /**
   * Returns the queue of candidates: one permit, whose {@link HeldPermit#asLeader()} is the leader.
   *
   * @return the queue
   */
  PermitQueue queue();

  /**
   * Reads the current holder (and, on a networked seat, sets the watches behind {@link #watch}).
   *
   * @return the leader, or empty
   */
  Optional<Leader> read();

  /**
   * Asks to be told (on any thread) when the holder may have changed, or when a {@link #read} is
   * needed to keep being told.
   *
   * @param changed called at each possible change
   */
  void watch(Runnable changed);

  /**
   * Stops telling {@code changed}.
   *
   * @param changed as given to {@link #watch}
   */
  void unwatch(Runnable changed);
}
