package dev.quorate.fence.internal;

import dev.quorate.fence.AgentRequest;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceAgentException;
import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceOutcome;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.PlugMapping;
import dev.quorate.fence.PowerStatus;
import dev.quorate.fence.StatusReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one attempt of one level: every device must succeed. Plugs are resolved for all devices
 * before any power changes, so a level with a missing plug never half-fences a target. An off is
 * verified with a status; an off that fails while the status shows the target off counts as done,
 * since the goal (no power) is met and refusing it would leave the target stuck in "fencing".
 */
final class LevelRunner {
  record Attempt(boolean succeeded, boolean refused, FenceReason reason, String explanation) {
    Attempt(boolean succeeded, FenceReason reason, String explanation) {
      this(succeeded, false, reason, explanation);
    }

    /** The guard withdrew its decision before any agent ran. */
    static Attempt refused(FenceReason reason, String explanation) {
      return new Attempt(false, true, reason, explanation);
    }
  }

  /** A device's plug for a target: found (possibly "no plug needed") or not found. */
  private record PlugChoice(boolean found, Optional<String> plug) {
    static final PlugChoice NOT_FOUND = new PlugChoice(false, Optional.empty());
    static final PlugChoice NONE_NEEDED = new PlugChoice(true, Optional.empty());

    static PlugChoice of(String plug) {
      return new PlugChoice(true, Optional.of(plug));
    }
  }

  private final FenceAgents agents;
  private final List<FenceOutcome> outcomes = new ArrayList<>();

  LevelRunner(FenceAgents agents) {
    this.agents = agents;
  }

  List<FenceOutcome> outcomes() {
    return List.copyOf(outcomes);
  }

  Attempt run(FenceRequest request, List<FenceDevice> devices, Deadline deadline)
      throws InterruptedException {
    List<AgentRequest> calls = new ArrayList<>();
    for (FenceDevice device : devices) {
      if (deadline.expired()) {
        return expired();
      }
      PlugChoice plug;
      try {
        plug = plugFor(device, request.target(), deadline);
      } catch (FenceAgentException e) {
        return new Attempt(false, FenceReason.AGENT_FAILED, e.getMessage());
      }
      if (!plug.found()) {
        return new Attempt(
            false,
            FenceReason.PLUG_NOT_FOUND,
            "device " + device.name() + " has no plug for " + request.target());
      }
      calls.add(new AgentRequest(device, request.action(), plug.plug(), device.timeout()));
    }
    if (request.action() == FenceAction.ON) {
      return powerOn(calls, deadline, true);
    }
    if (request.action() == FenceAction.REBOOT && calls.size() == 1) {
      FenceOutcome reboot = perform(calls.get(0).withAction(FenceAction.REBOOT), deadline);
      return reboot == null
          ? expired()
          : reboot.succeeded()
              ? new Attempt(true, FenceReason.FENCED, "rebooted by " + reboot.device())
              : failed(reboot);
    }
    Attempt off = powerOffAndVerify(calls, deadline);
    if (!off.succeeded() || request.action() == FenceAction.OFF) {
      return off;
    }
    // Multi-device reboot: the fence happened in the off phase; a failed on is reported only.
    Attempt on = powerOn(calls, deadline, false);
    return new Attempt(
        true,
        off.reason(),
        off.explanation()
            + (on.succeeded() ? "; powered on again" : "; on failed: " + on.explanation()));
  }

  private Attempt powerOffAndVerify(List<AgentRequest> calls, Deadline deadline)
      throws InterruptedException {
    List<FenceOutcome> offs = new ArrayList<>();
    for (AgentRequest call : calls) {
      FenceOutcome off = perform(call.withAction(FenceAction.OFF), deadline);
      if (off == null) {
        return expired();
      }
      offs.add(off);
    }
    boolean alreadyOff = false;
    for (int i = 0; i < calls.size(); i++) {
      AgentRequest call = calls.get(i);
      if (deadline.expired()) {
        return expired();
      }
      StatusReport status =
          agent(call.device())
              .status(call.withAction(FenceAction.STATUS).withTimeout(cap(call, deadline)));
      outcomes.add(status.outcome());
      FenceOutcome off = offs.get(i);
      if (status.power() != PowerStatus.OFF) {
        return off.succeeded()
            ? new Attempt(
                false,
                FenceReason.VERIFY_FAILED,
                "device "
                    + call.device().name()
                    + " reported off done but status is "
                    + status.power()
                    + " ("
                    + status.outcome().detail()
                    + ")")
            : failed(off);
      }
      alreadyOff |= !off.succeeded();
    }
    return alreadyOff
        ? new Attempt(
            true,
            FenceReason.FENCED_ALREADY_OFF,
            "an off was refused but status shows the target off on every device")
        : new Attempt(true, FenceReason.FENCED, "off and verified on " + names(calls));
  }

  private Attempt powerOn(List<AgentRequest> calls, Deadline deadline, boolean unfence)
      throws InterruptedException {
    for (AgentRequest call : calls) {
      FenceOutcome on = perform(call.withAction(FenceAction.ON), deadline);
      if (on == null) {
        return expired();
      }
      if (!on.succeeded()) {
        return failed(on);
      }
    }
    return new Attempt(
        true, unfence ? FenceReason.UNFENCED : FenceReason.FENCED, "on by " + names(calls));
  }

  /** Returns null when the deadline has passed, so no call starts with no time left. */
  private FenceOutcome perform(AgentRequest call, Deadline deadline) throws InterruptedException {
    if (deadline.expired()) {
      return null;
    }
    FenceOutcome outcome;
    try {
      outcome = agent(call.device()).perform(call.withTimeout(cap(call, deadline)));
    } catch (FenceAgentException e) {
      outcome =
          new FenceOutcome(
              call.action(), call.device().name(), -1, false, Duration.ZERO, e.getMessage());
    }
    outcomes.add(outcome);
    return outcome;
  }

  private PlugChoice plugFor(FenceDevice device, String target, Deadline deadline)
      throws InterruptedException {
    PlugMapping mapping = device.plugs();
    if (mapping instanceof PlugMapping.HostMap map) {
      String plug = map.targetToPlug().get(target);
      return plug == null ? PlugChoice.NOT_FOUND : PlugChoice.of(plug);
    }
    if (mapping instanceof PlugMapping.StaticList list) {
      return list.targets().contains(target) ? PlugChoice.of(target) : PlugChoice.NOT_FOUND;
    }
    if (mapping instanceof PlugMapping.DynamicList) {
      AgentRequest list = AgentRequest.of(device, FenceAction.LIST);
      return agent(device)
          .list(list.withTimeout(cap(list, deadline)))
          .find(target)
          .map(p -> PlugChoice.of(p.id()))
          .orElse(PlugChoice.NOT_FOUND);
    }
    return PlugChoice.NONE_NEEDED;
  }

  private FenceAgent agent(FenceDevice device) {
    return agents.agent(device.agent());
  }

  private static Duration cap(AgentRequest call, Deadline deadline) {
    Duration capped = deadline.cap(call.device().timeout());
    // An agent call needs a positive timeout; a deadline that just ran out gives the minimum.
    return capped.isZero() ? Duration.ofMillis(1) : capped;
  }

  private static Attempt failed(FenceOutcome outcome) {
    String what = outcome.timedOut() ? "timed out" : "exited " + outcome.exitCode();
    return new Attempt(
        false,
        FenceReason.AGENT_FAILED,
        "device "
            + outcome.device()
            + " "
            + outcome.action().protocolName()
            + " "
            + what
            + ": "
            + outcome.detail());
  }

  private static Attempt expired() {
    return new Attempt(false, FenceReason.DEADLINE_EXCEEDED, "the fence deadline passed");
  }

  private static List<String> names(List<AgentRequest> calls) {
    return calls.stream().map(c -> c.device().name()).toList();
  }
}
