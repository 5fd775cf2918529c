package dev.quorate.bench;

/**
 * One cluster member of one library: its own ZooKeeper session, any number of threads. Both
 * libraries are driven through this, so both loops do exactly the same work around the lock.
 */
interface Member extends AutoCloseable {
  /** A lock held by the calling thread. */
  interface Held {
    void release() throws Exception;
  }

  /**
   * Takes the exclusive lock {@code name}, waiting at most {@link Scenarios#ACQUIRE_BOUND}.
   *
   * @throws IllegalStateException if not granted within the bound
   */
  Held acquire(String name) throws Exception;

  @Override
  void close();
}
