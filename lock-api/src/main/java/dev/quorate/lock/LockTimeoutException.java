package dev.quorate.lock;

import java.time.Duration;

/** Thrown when a lock or a conversion was not granted within its timeout. */
public final class LockTimeoutException extends QuorateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param resource the resource that was asked for
   * @param mode the mode that was asked for
   * @param timeout how long the request waited
   */
  public LockTimeoutException(String resource, LockMode mode, Duration timeout) {
    super(
        ErrorCode.LOCK_TIMEOUT,
        "lock '" + resource + "' in mode " + mode + " not granted within " + timeout);
  }
}
