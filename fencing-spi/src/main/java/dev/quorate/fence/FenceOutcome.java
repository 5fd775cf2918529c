package dev.quorate.fence;

import java.time.Duration;
import java.util.Objects;

/**
 * What one agent call did: its exit code, whether it timed out, how long it took, and a short
 * detail from the agent's output with every secret replaced by {@code ***}.
 *
 * <pre>{@code
 * FenceOutcome outcome = agent.perform(AgentRequest.of(device, FenceAction.OFF));
 * if (!outcome.succeeded()) {
 *   log.warn("off failed: {}", outcome); // safe to log: secrets are redacted
 * }
 * }</pre>
 *
 * @param action the action that ran
 * @param device the device's name
 * @param exitCode the agent's exit code, or -1 when it timed out or could not start
 * @param timedOut whether the call was killed at its timeout
 * @param elapsed how long the call took
 * @param detail the end of the agent's output or the reason it failed, redacted
 */
public record FenceOutcome(
    FenceAction action,
    String device,
    int exitCode,
    boolean timedOut,
    Duration elapsed,
    String detail) {

  /**
   * Checks the fields.
   *
   * @param action the action that ran
   * @param device the device's name
   * @param exitCode the exit code, or -1
   * @param timedOut whether the call timed out
   * @param elapsed how long it took
   * @param detail redacted output or reason
   */
  public FenceOutcome {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Tells whether the call succeeded: it finished in time with exit code 0. A timeout is always a
   * failure, because the device's state is then unknown.
   *
   * @return true on success
   */
  public boolean succeeded() {
    return !timedOut && exitCode == 0;
  }
}
