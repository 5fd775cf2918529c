package dev.quorate.lock;

import java.util.Objects;

/**
 * How a {@link Leadership} ended.
 *
 * @param leadership the leadership
 * @param state {@link LeaseState#RELEASED} if resigned, {@link LeaseState#LOST} otherwise
 * @param cause why, for logs (for example "connection suspended")
 */
public record LeadershipEnd(Leadership leadership, LeaseState state, String cause) {
  /**
   * Checks the parts.
   *
   * @param leadership the leadership
   * @param state RELEASED or LOST
   * @param cause why
   * @throws IllegalArgumentException if the state is not final
   */
  public LeadershipEnd {
    Objects.requireNonNull(leadership, "leadership");
    Objects.requireNonNull(cause, "cause");
    if (!state.isFinal()) {
      throw new IllegalArgumentException("a leadership ends LOST or RELEASED, not " + state);
    }
  }
}
