package dev.quorate.lock;

import java.time.Instant;
import java.util.Objects;

/**
 * An administrative revocation of a lease ({@link LockManager#revoke}), as recorded by the lock
 * manager and shown by {@link LockManager#inspect}.
 *
 * @param resource the resource name
 * @param token the fencing token of the revoked grant
 * @param holder who held the lease, as in {@link LockInspection.Holder#member()}
 * @param requestedBy who asked for the revocation (an operator, a tool)
 * @param reason why, in the requester's words
 * @param at when the revocation was recorded
 */
public record Revocation(
    String resource,
    FencingToken token,
    String holder,
    String requestedBy,
    String reason,
    Instant at) {
  /**
   * Checks and keeps the components.
   *
   * @param resource the resource name
   * @param token the revoked token
   * @param holder who held it
   * @param requestedBy who asked
   * @param reason why
   * @param at when recorded
   * @throws NullPointerException if any component is null
   */
  public Revocation {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(requestedBy, "requestedBy");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
