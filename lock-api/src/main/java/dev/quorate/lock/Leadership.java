package dev.quorate.lock;

/**
 * A won {@link Election}: the right to lead until it ends. Closing it resigns.
 *
 * <p>It is {@link LeaseState#GRANTED} while leading and ends once, for good: {@link
 * LeaseState#RELEASED} when resigned, {@link LeaseState#LOST} when the connection to the lock
 * service was suspended, the session ended, or the manager closed. It never becomes SUSPECT: where
 * a lease would be suspect, leadership is over, so that no other candidate can be elected while
 * this one may still believe it leads. Show {@link #token()} to whatever the leader acts upon.
 *
 * <pre>{@code
 * leadership.addListener(ended -> scheduler.stop());
 * }</pre>
 *
 * <p>Thread-safe. {@link #resign()} is idempotent.
 */
public interface Leadership extends AutoCloseable {
  /**
   * Returns the election's name.
   *
   * @return the name
   */
  String election();

  /**
   * Returns this leadership as observers see it.
   *
   * @return the leader: this candidate, since and epoch
   */
  Leader leader();

  /**
   * Returns the epoch, the token to show the resources the leader acts upon; same as {@code
   * leader().epoch()}.
   *
   * @return the token
   */
  FencingToken token();

  /**
   * Returns the current state: GRANTED, LOST or RELEASED.
   *
   * @return the state
   */
  LeaseState state();

  /**
   * Says whether this candidate still leads.
   *
   * @return true while {@link #state()} is GRANTED
   */
  default boolean isLeading() {
    return state() == LeaseState.GRANTED;
  }

  /**
   * Throws unless still leading.
   *
   * @throws LeaseLostException with {@link ErrorCode#LEASE_LOST} or {@link
   *     ErrorCode#LEASE_RELEASED}
   */
  void checkValid();

  /**
   * Adds a listener that hears the end of this leadership, once, on a thread of the lock manager;
   * added after the end, it hears it at once.
   *
   * @param listener the listener
   */
  void addListener(LeadershipListener listener);

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  void removeListener(LeadershipListener listener);

  /**
   * Ends the leadership: RELEASED when this returns, and another candidate may be elected. Never
   * waits for a lost connection.
   */
  void resign();

  /** Same as {@link #resign()}. */
  @Override
  void close();
}
