package dev.quorate.lock;

/**
 * One permit of a {@link Semaphore}, with the {@link FencingToken} of its grant. Closing it returns
 * the permit. Its states and their meaning are those of a {@link Lease}: GRANTED, SUSPECT (stop
 * using the resource; the permit may come back), LOST, RELEASED.
 *
 * <pre>{@code
 * permit.addListener(event -> {
 *   if (event.to() == LeaseState.SUSPECT || event.to() == LeaseState.LOST) {
 *     vmStarter.pause();
 *   }
 * });
 * }</pre>
 *
 * <p>Thread-safe. {@link #release()} is idempotent.
 */
public interface Permit extends AutoCloseable {
  /**
   * Returns the name of the semaphore this permit belongs to.
   *
   * @return the semaphore name
   */
  String semaphore();

  /**
   * Returns the token of this grant: unique, and greater than the token of every permit of the same
   * semaphore granted before it.
   *
   * @return the token
   */
  FencingToken token();

  /**
   * Returns the current state.
   *
   * @return the state
   */
  LeaseState state();

  /**
   * Throws unless the permit is {@link LeaseState#GRANTED}. Call it before every use of the
   * resource.
   *
   * @throws LeaseLostException with {@link ErrorCode#LEASE_SUSPECT}, {@link ErrorCode#LEASE_LOST}
   *     or {@link ErrorCode#LEASE_RELEASED}
   */
  void checkValid();

  /**
   * Adds a listener for the transitions that happen from now on; each is delivered exactly once, in
   * order, on a thread of the lock manager.
   *
   * @param listener the listener
   */
  void addListener(PermitListener listener);

  /**
   * Removes a listener; transitions not yet delivered to it may still be.
   *
   * @param listener the listener
   */
  void removeListener(PermitListener listener);

  /**
   * Returns the permit to the semaphore: it is RELEASED when this returns. Idempotent; a permit
   * that is LOST stays so. Never waits for a lost connection (the lock service is told later).
   */
  void release();

  /** Same as {@link #release()}. */
  @Override
  void close();
}
