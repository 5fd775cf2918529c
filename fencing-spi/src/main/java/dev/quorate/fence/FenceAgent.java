package dev.quorate.fence;

import dev.quorate.fence.internal.ExecFenceAgent;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A fence agent: the code that talks to one kind of fence device (a power switch, a hypervisor, a
 * BMC, a quorum disk's poison pill). Implementations are found with {@link java.util.ServiceLoader}
 * (list them in {@code META-INF/services/dev.quorate.fence.FenceAgent}) and by {@link FenceAgents};
 * any program of the fence-agents project is adapted with {@link #exec}.
 *
 * <p>Power actions report failure in their {@link FenceOutcome} rather than by throwing, so a
 * fencer can record the failure and try the next level. Every call is bounded by the request's
 * timeout. Implementations must be thread-safe and must never log, print or throw a {@link
 * Secret}'s value.
 *
 * <pre>{@code
 * FenceAgent ipmi = FenceAgent.exec("fence_ipmilan", Path.of("/usr/sbin/fence_ipmilan"));
 * FenceOutcome off = ipmi.perform(AgentRequest.of(device, FenceAction.OFF));
 * StatusReport now = ipmi.status(AgentRequest.of(device, FenceAction.STATUS));
 * }</pre>
 */
public interface FenceAgent {
  /**
   * Adapts a fence-agents program: options go as {@code key=value} lines to its stdin, never on its
   * command line and never through a shell.
   *
   * @param name the agent name devices use, such as {@code fence_ipmilan}
   * @param program the executable
   * @return the agent
   * @throws dev.quorate.lock.ConfigurationException if the name is invalid
   */
  static FenceAgent exec(String name, Path program) {
    return new ExecFenceAgent(name, program);
  }

  /**
   * Returns the name devices refer to in {@link FenceDevice#agent()}.
   *
   * @return the agent name
   */
  String name();

  /**
   * Performs {@link FenceAction#ON}, {@link FenceAction#OFF}, {@link FenceAction#REBOOT}, {@link
   * FenceAction#MONITOR} or {@link FenceAction#VALIDATE_ALL}.
   *
   * @param request the call; its timeout bounds it
   * @return the outcome; a failure or timeout is reported here, not thrown
   * @throws InterruptedException if the calling thread is interrupted (the agent is then killed)
   * @throws IllegalArgumentException if the action is a query (status, list, metadata)
   * @throws FenceAgentException if the agent cannot be started at all
   */
  FenceOutcome perform(AgentRequest request) throws InterruptedException;

  /**
   * Asks the device for the target's power state.
   *
   * @param request the call; its action is ignored
   * @return the power state and outcome; UNKNOWN when the device could not tell
   * @throws InterruptedException if the calling thread is interrupted
   * @throws FenceAgentException if the agent cannot be started at all
   */
  StatusReport status(AgentRequest request) throws InterruptedException;

  /**
   * Lists the device's plugs.
   *
   * @param request the call; its action and plug are ignored
   * @return the plugs
   * @throws InterruptedException if the calling thread is interrupted
   * @throws FenceAgentException if the agent fails, times out, or prints a malformed list
   */
  PlugList list(AgentRequest request) throws InterruptedException;

  /**
   * Returns the agent's self-description; needs no device.
   *
   * @param timeout the longest the call may take
   * @return the parsed metadata
   * @throws InterruptedException if the calling thread is interrupted
   * @throws FenceAgentException if the agent fails, times out, or prints malformed XML
   */
  AgentMetadata metadata(Duration timeout) throws InterruptedException;
}
