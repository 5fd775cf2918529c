package dev.quorate.vm;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;

/**
 * A QEMU guest could not be started, controlled or read. The message names the QMP command or the
 * QEMU invocation and carries QEMU's own error text.
 *
 * <ul>
 *   <li>{@link ErrorCode#REFUSED}: QEMU answered a QMP command with an error.
 *   <li>{@link ErrorCode#LOCK_TIMEOUT}: QEMU did not answer, or a state was not reached, within the
 *       bound.
 *   <li>{@link ErrorCode#IO_FAILURE}: the QEMU process could not be started, or it or its QMP
 *       socket went away.
 *   <li>{@link ErrorCode#CORRUPT_DATA}: a guest record failed its CRC or sequence check.
 * </ul>
 *
 * <pre>{@code
 * try {
 *   guest.migrateTo(target, Duration.ofSeconds(60));
 * } catch (VmException e) {
 *   if (e.code() == ErrorCode.REFUSED) {
 *     log.warn("QEMU refused the migration: {}", e.getMessage());
 *   }
 * }
 * }</pre>
 */
public final class VmException extends QuorateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param code the machine-readable reason
   * @param message what failed, naming the command and QEMU's error text
   */
  public VmException(ErrorCode code, String message) {
    super(code, message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code the machine-readable reason
   * @param message what failed, naming the command and QEMU's error text
   * @param cause the underlying failure
   */
  public VmException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
