package dev.quorate.lock.spi;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import java.util.List;
import java.util.Objects;

/** The checks every manager's {@code revoke} makes, and how many revocations a history keeps. */
public final class Revocations {
  /** How many revocations per resource a history keeps. */
  public static final int KEPT = 16;

  private Revocations() {}

  /**
   * Checks the arguments of a revocation.
   *
   * @param resource the resource name
   * @param token the token to revoke
   * @param requestedBy who asks
   * @param reason why
   * @throws IllegalArgumentException naming the bad value
   */
  public static void check(String resource, FencingToken token, String requestedBy, String reason) {
    ResourceNames.check(resource);
    Objects.requireNonNull(token, "token");
    if (requestedBy == null || requestedBy.isBlank()) {
      throw new IllegalArgumentException(
          "requestedBy must name who revokes (an operator or tool), got '" + requestedBy + "'");
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException(
          "reason must say why the lease is revoked, got '" + reason + "'");
    }
  }

  /**
   * The answer when the token was superseded by a conversion of its lease to a stronger mode, which
   * is a new grant with a new token: nothing revoked, nothing recorded. The lease is revoked by the
   * token it holds now.
   *
   * @param resource the resource name
   * @param token the token asked for
   * @param current the token the lease holds now
   * @param mode the mode the lease converted to
   * @return the exception to throw
   */
  public static QuorateException superseded(
      String resource, FencingToken token, FencingToken current, LockMode mode) {
    return new QuorateException(
        ErrorCode.REFUSED,
        "nothing to revoke: token "
            + token
            + " on '"
            + resource
            + "' was superseded by token "
            + current
            + " when its lease converted up to "
            + mode
            + "; revoke "
            + current
            + " to revoke that lease");
  }

  /**
   * The answer when no lease holds the token: nothing revoked, nothing recorded.
   *
   * @param resource the resource name
   * @param token the token asked for
   * @param holders the tokens held now, for the message
   * @return the exception to throw
   */
  public static QuorateException nothingToRevoke(
      String resource, FencingToken token, List<FencingToken> holders) {
    return new QuorateException(
        ErrorCode.REFUSED,
        "nothing to revoke: no lease on '"
            + resource
            + "' holds token "
            + token
            + " (tokens held now: "
            + holders
            + ")");
  }
}
