package dev.quorate.fence;

import java.util.Objects;

/**
 * The answer to a {@code status} call: the power state, and the call's outcome.
 *
 * <pre>{@code
 * StatusReport report = agent.status(AgentRequest.of(device, FenceAction.STATUS));
 * boolean fenced = report.power() == PowerStatus.OFF;
 * }</pre>
 *
 * @param power ON for exit code 0, OFF for exit code 2, UNKNOWN otherwise
 * @param outcome the call's outcome; for OFF its exit code is 2, which here is not a failure
 */
public record StatusReport(PowerStatus power, FenceOutcome outcome) {
  /**
   * Checks the fields.
   *
   * @param power the power state
   * @param outcome the outcome
   */
  public StatusReport {
    Objects.requireNonNull(power, "power");
    Objects.requireNonNull(outcome, "outcome");
  }
}
