package dev.quorate.lock.internal;

import dev.quorate.lock.Leader;
import dev.quorate.lock.Permit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What an election needs of a lock manager: a queue of candidates with one permit, whose holder can
 * be read and watched. The permit's token is the leadership's epoch; {@link PermitElection} builds
 * the rest (leadership that ends at SUSPECT, observers) the same way for every manager.
 */
public interface LeaderSeat {
  /**
   * Queues a candidate. Cancelling the future withdraws it; a permit granted at the same moment is
   * released by the seat.
   *
   * @param candidate the candidate's name, for observers
   * @return a future completed with the one permit when the candidate is first in line
   */
  CompletableFuture<Permit> claim(String candidate);

  /**
   * Takes the permit only if nobody holds it and nobody waits.
   *
   * @param candidate the candidate's name
   * @return a future completed with the permit, or with empty if it is not free
   */
  CompletableFuture<Optional<Permit>> claimIfFree(String candidate);

  /**
   * Describes a permit this seat granted as observers will see it.
   *
   * @param permit a permit from {@link #claim} or {@link #claimIfFree}
   * @return the leader it stands for
   */
  Leader leaderOf(Permit permit);

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
