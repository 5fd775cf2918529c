package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One call of a fence agent: which device, which action, which plug, and how long it may take.
 *
 * <pre>{@code
 * AgentRequest off = AgentRequest.of(device, FenceAction.OFF).withPlug("vm-101");
 * FenceOutcome outcome = agent.perform(off);
 * }</pre>
 *
 * @param device the device to act on
 * @param action the action
 * @param plug the plug, or empty when the device controls one machine
 * @param timeout the longest the call may take; when it passes, the agent's process tree is killed
 */
public record AgentRequest(
    FenceDevice device, FenceAction action, Optional<String> plug, Duration timeout) {

  /**
   * Validates the request.
   *
   * @param device the device to act on
   * @param action the action
   * @param plug the plug, or empty
   * @param timeout a positive duration
   * @throws ConfigurationException if the plug name is invalid or the timeout not positive
   */
  public AgentRequest {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(plug, "plug");
    Objects.requireNonNull(timeout, "timeout");
    plug.ifPresent(p -> OptionRules.checkName("plug", p));
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException("agent call timeout " + timeout + " must be positive");
    }
  }

  /**
   * Creates a request without a plug, with the device's timeout.
   *
   * @param device the device
   * @param action the action
   * @return the request
   */
  public static AgentRequest of(FenceDevice device, FenceAction action) {
    return new AgentRequest(device, action, Optional.empty(), device.timeout());
  }

  /**
   * Returns this request for another plug.
   *
   * @param plug the plug name
   * @return a new request
   * @throws ConfigurationException if the plug name is invalid
   */
  public AgentRequest withPlug(String plug) {
    return new AgentRequest(device, action, Optional.of(plug), timeout);
  }

  /**
   * Returns this request with another timeout.
   *
   * @param newTimeout a positive duration
   * @return a new request
   * @throws ConfigurationException if the timeout is not positive
   */
  public AgentRequest withTimeout(Duration newTimeout) {
    return new AgentRequest(device, action, plug, newTimeout);
  }

  /**
   * Returns this request for another action.
   *
   * @param newAction the action
   * @return a new request
   */
  public AgentRequest withAction(FenceAction newAction) {
    return new AgentRequest(device, newAction, plug, timeout);
  }
}
