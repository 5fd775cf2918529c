package dev.quorate.lock;

/**
 * Thrown by {@link Lease#checkValid()} and by operations on a lease that is no longer GRANTED.
 *
 * <p>The code says which case applies: {@link ErrorCode#LEASE_SUSPECT} (the lease may be lost: stop
 * touching the resource until it is GRANTED again), {@link ErrorCode#LEASE_LOST} (it is gone for
 * good) or {@link ErrorCode#LEASE_RELEASED} (the holder released it).
 */
public final class LeaseLostException extends QuorateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param code {@link ErrorCode#LEASE_SUSPECT}, {@link ErrorCode#LEASE_LOST} or {@link
   *     ErrorCode#LEASE_RELEASED}
   * @param message what happened to the lease
   */
  public LeaseLostException(ErrorCode code, String message) {
    super(code, message);
  }
}
