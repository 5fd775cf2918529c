package dev.quorate.lock.spi;

import dev.quorate.lock.Permit;
import java.util.concurrent.CompletableFuture;

/** The permits of one semaphore or election in a lock manager, granted first come, first served. */
public interface PermitQueue {
  /**
   * Returns the semaphore's (or election's) name.
   *
   * @return the name
   */
  String name();

  /**
   * Returns how many holders the queue admits at once.
   *
   * @return the permits
   */
  int permits();

  /**
   * Queues a claim. Cancelling the future withdraws it; a permit granted at the same moment is
   * released.
   *
   * @param holder who claims: the candidate of an election, empty for a semaphore
   * @param onlyIfFree take a permit only if one is free and nobody waits now
   * @return a future completed with a {@link HeldPermit}, or with null if {@code onlyIfFree} and
   *     none was free
   */
  CompletableFuture<Permit> claim(String holder, boolean onlyIfFree);
}
