package dev.quorate.lock;

import java.util.Objects;

/**
 * One state transition of a {@link Permit}.
 *
 * @param permit the permit
 * @param from the state before
 * @param to the state after
 * @param cause why, for logs (for example "connection suspended")
 */
public record PermitEvent(Permit permit, LeaseState from, LeaseState to, String cause) {
  /**
   * Checks that no part is null.
   *
   * @param permit the permit
   * @param from the state before
   * @param to the state after
   * @param cause why
   */
  public PermitEvent {
    Objects.requireNonNull(permit, "permit");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(cause, "cause");
  }
}
