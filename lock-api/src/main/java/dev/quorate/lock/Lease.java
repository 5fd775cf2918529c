package dev.quorate.lock;

import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One grant of a lock: the right to use a resource in a {@link LockMode}, with the {@link
 * FencingToken} the resource checks. Closing the lease releases it.
 *
 * <h2>Failure semantics</h2>
 *
 * A lease can be lost without its holder doing anything: the connection to the lock service may be
 * suspended (the lease becomes {@link LeaseState#SUSPECT} at once), the session may expire or the
 * lock may be revoked ({@link LeaseState#LOST}). A holder must therefore
 *
 * <ul>
 *   <li>call {@link #checkValid()} (or watch {@link LockOptions.Builder#listener listener} events)
 *       before each use of the resource, and stop at SUSPECT, not only at LOST; a holder that hopes
 *       to go on after SUSPECT waits for the next state with {@link #awaitChangeFrom};
 *   <li>show {@link #token()} to the resource on every write, so that a holder that was paused past
 *       the loss of its lease is rejected by the resource ({@link TokenGuard}) instead of
 *       corrupting it.
 * </ul>
 *
 * <pre>{@code
 * try (Lease lease = lock.acquire(LockMode.EX)) {
 *   lease.checkValid();
 *   storage.write(data, lease.token());
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #release()} is idempotent.
 */
public interface Lease extends AutoCloseable {
  /**
   * Returns the name of the locked resource.
   *
   * @return the resource name
   */
  String resource();

  /**
   * Returns the mode currently granted. Changes only through a conversion.
   *
   * @return the granted mode
   */
  LockMode mode();

  /**
   * Returns the fencing token of the current grant. A conversion that has to wait for other holders
   * (any conversion that is not a down-conversion) is a new grant and gets a new, greater token.
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
   * Throws unless the lease is {@link LeaseState#GRANTED}. Call it before every use of the
   * resource.
   *
   * @throws LeaseLostException with {@link ErrorCode#LEASE_SUSPECT}, {@link ErrorCode#LEASE_LOST}
   *     or {@link ErrorCode#LEASE_RELEASED}
   */
  void checkValid();

  /**
   * Returns the resource's lock value block as it was when this lease was last granted (or
   * converted up), or as this holder last staged it.
   *
   * @return the value block, empty if nobody wrote one
   */
  ValueBlock valueBlock();

  /**
   * Stages a new value block, written to the resource when this lease is released or converted down
   * from PW or EX.
   *
   * @param value the new value
   * @throws IllegalStateException if the lease is not held in PW or EX
   * @throws LeaseLostException if the lease is not GRANTED
   */
  void setValueBlock(ValueBlock value);

  /**
   * Converts the lease to another mode, waiting as long as it takes. A down-conversion (see {@link
   * LockMode#covers}) is granted at once; an up-conversion waits for incompatible holders and keeps
   * the current mode while it waits.
   *
   * @param mode the new mode
   * @throws InterruptedException if interrupted while waiting; the lease keeps its old mode
   * @throws ConversionDeadlockException if another conversion waits on this lease while this one
   *     would wait on it
   * @throws LeaseLostException if the lease is not GRANTED
   * @throws IllegalStateException if another conversion of this lease is pending
   */
  void convert(LockMode mode) throws InterruptedException;

  /**
   * Converts the lease if that can be done within {@code timeout}.
   *
   * @param mode the new mode
   * @param timeout how long to wait; zero means convert only if no other holder must leave first
   * @return true if converted, false if the timeout passed (the lease keeps its old mode)
   * @throws InterruptedException if interrupted while waiting; the lease keeps its old mode
   * @throws ConversionDeadlockException if the conversion would deadlock
   * @throws LeaseLostException if the lease is not GRANTED
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  boolean tryConvert(LockMode mode, Duration timeout) throws InterruptedException;

  /**
   * Starts a conversion. The future completes with this lease when converted, or exceptionally with
   * {@link ConversionDeadlockException} or {@link LeaseLostException}. Cancelling the future
   * withdraws the conversion; the lease keeps its old mode.
   *
   * @param mode the new mode
   * @return a future completed with this lease
   */
  CompletableFuture<Lease> convertAsync(LockMode mode);

  /**
   * Waits until the lease leaves {@code state}, at most {@code timeout}: for example, at SUSPECT,
   * until it is GRANTED again or LOST.
   *
   * <pre>{@code
   * if (lease.state() == LeaseState.SUSPECT
   *     && lease.awaitChangeFrom(LeaseState.SUSPECT, Duration.ofSeconds(5)) == LeaseState.GRANTED) {
   *   storage.write(data, lease.token()); // reconnected within the session
   * }
   * }</pre>
   *
   * @param state the state to wait out
   * @param timeout how long to wait at most
   * @return the state when the wait ended: {@code state} itself only if the timeout passed (or the
   *     lease came back to it meanwhile)
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  default LeaseState awaitChangeFrom(LeaseState state, Duration timeout)
      throws InterruptedException {
    Objects.requireNonNull(state, "state");
    Requests.checkTimeout(timeout);
    CountDownLatch changed = new CountDownLatch(1);
    LeaseListener listener = event -> changed.countDown();
    addListener(listener);
    try {
      // Looked at after adding the listener: a change in between is seen here or heard there.
      if (state() == state) {
        changed.await(Requests.saturatedNanos(timeout), TimeUnit.NANOSECONDS);
      }
    } finally {
      removeListener(listener);
    }
    return state();
  }

  /**
   * Adds a listener for the transitions that happen from now on. To hear every transition of a
   * lease from its grant on, give the listener in the lock's options ({@link
   * LockOptions.Builder#listener}) instead.
   *
   * @param listener the listener
   */
  void addListener(LeaseListener listener);

  /**
   * Removes a listener; transitions not yet delivered to it may still be.
   *
   * @param listener the listener
   */
  void removeListener(LeaseListener listener);

  /**
   * Releases the lease: it is RELEASED when this returns, and the holder must not use the resource
   * any more. Idempotent; a lease that is LOST or RELEASED stays so. A pending conversion is
   * withdrawn. Never waits for a lost connection: a networked manager that cannot reach its lock
   * service now tells it later, and others are granted the lock once it knows (or once the holder's
   * session ended).
   */
  void release();

  /** Same as {@link #release()}. */
  @Override
  void close();
}
