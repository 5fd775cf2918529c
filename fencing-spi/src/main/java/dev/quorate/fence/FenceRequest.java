package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import java.util.Objects;

/**
 * A request to fence (or unfence) one cluster member.
 *
 * <pre>{@code
 * FenceRequest request =
 *     FenceRequest.of("node-c", "node-a", FenceAction.OFF, "missed 10 heartbeats");
 * FenceResult result = fencer.fence(request);
 * }</pre>
 *
 * @param requester the member asking, recorded in the history and judged by the guard
 * @param target the member to fence
 * @param action {@link FenceAction#OFF}, {@link FenceAction#REBOOT}, or {@link FenceAction#ON} to
 *     unfence
 * @param reason why the requester wants it, for the history
 */
public record FenceRequest(String requester, String target, FenceAction action, String reason) {
  /**
   * Validates the request.
   *
   * @param requester the member asking
   * @param target the member to fence
   * @param action OFF, REBOOT or ON
   * @param reason why
   * @throws IllegalArgumentException if the action is not OFF, REBOOT or ON
   * @throws dev.quorate.lock.ConfigurationException if a member name is invalid
   */
  public FenceRequest {
    OptionRules.checkName("requester", requester);
    OptionRules.checkName("target", target);
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(reason, "reason");
    if (!action.changesPower()) {
      throw new IllegalArgumentException(
          "a fence request is off, reboot or on (unfence), not " + action.protocolName());
    }
  }

  /**
   * Creates a request.
   *
   * @param requester the member asking
   * @param target the member to fence
   * @param action OFF, REBOOT or ON
   * @param reason why
   * @return the request
   */
  public static FenceRequest of(
      String requester, String target, FenceAction action, String reason) {
    return new FenceRequest(requester, target, action, reason);
  }

  /**
   * Tells whether this request cuts power (off or reboot) rather than restoring it.
   *
   * @return true for OFF and REBOOT
   */
  public boolean cutsPower() {
    return action != FenceAction.ON;
  }
}
