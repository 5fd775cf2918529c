package dev.quorate.lock;

import java.util.Objects;

/**
 * Root of every exception Quorate throws. Unchecked; {@link InterruptedException} stays checked and
 * is never wrapped.
 *
 * <p>Every instance carries an {@link ErrorCode} so callers can react without parsing messages:
 *
 * <pre>{@code
 * try {
 *   lease.checkValid();
 * } catch (QuorateException e) {
 *   if (e.code() == ErrorCode.LEASE_SUSPECT) {
 *     pauseWrites();
 *   }
 * }
 * }</pre>
 */
public class QuorateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The machine-readable reason. */
  private final ErrorCode code;

  /**
   * Creates an exception.
   *
   * @param code the machine-readable reason
   * @param message what went wrong, naming the bad value where there is one
   */
  public QuorateException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code the machine-readable reason
   * @param message what went wrong, naming the bad value where there is one
   * @param cause the underlying failure
   */
  public QuorateException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * Returns the machine-readable reason.
   *
   * @return the reason code, never null
   */
  public ErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return getClass().getName() + " [" + code + "]: " + getMessage();
  }
}
