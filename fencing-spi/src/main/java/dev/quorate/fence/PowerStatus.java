package dev.quorate.fence;

/**
 * The power state of a fence target as its device reports it.
 *
 * <pre>{@code
 * if (agent.status(request).power() == PowerStatus.OFF) {
 *   recoverResources();
 * }
 * }</pre>
 */
public enum PowerStatus {
  /** The target has power (status exit code 0). */
  ON,
  /** The target has no power (status exit code 2). */
  OFF,
  /** The device could not tell (any other exit code, a timeout, or unreadable output). */
  UNKNOWN
}
