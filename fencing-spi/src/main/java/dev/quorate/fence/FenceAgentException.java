package dev.quorate.fence;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;

/**
 * Thrown when a fence agent cannot be run or answers what cannot be understood: it could not start,
 * a query action timed out or failed, or its {@code list} or {@code metadata} output is malformed.
 * The message names the agent and the action and never contains a secret.
 *
 * <pre>{@code
 * try {
 *   agent.list(request);
 * } catch (FenceAgentException e) {
 *   if (e.code() == ErrorCode.CORRUPT_DATA) {
 *     log.error("agent output unreadable: {}", e.getMessage());
 *   }
 * }
 * }</pre>
 */
public final class FenceAgentException extends QuorateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param code {@link ErrorCode#CORRUPT_DATA} for malformed output, {@link ErrorCode#IO_FAILURE}
   *     when the agent could not run, failed or timed out
   * @param message names the agent, the action and what was wrong; no secret
   */
  public FenceAgentException(ErrorCode code, String message) {
    super(code, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param code the reason code
   * @param message names the agent, the action and what was wrong; no secret
   * @param cause the underlying failure
   */
  public FenceAgentException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
