package dev.quorate.lock;

import java.util.Objects;

/**
 * One state transition of a lease, as delivered to a {@link LeaseListener}.
 *
 * @param lease the lease that changed
 * @param from the state before
 * @param to the state after
 * @param cause why it changed, for logs (for example "session expired")
 */
public record LeaseEvent(Lease lease, LeaseState from, LeaseState to, String cause) {
  /**
   * Validates the event.
   *
   * @param lease the lease that changed
   * @param from the state before
   * @param to the state after
   * @param cause why it changed
   * @throws NullPointerException if any component is null
   */
  public LeaseEvent {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(cause, "cause");
  }
}
