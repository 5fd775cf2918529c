package dev.quorate.fence;

import java.time.Duration;
import java.util.List;

/** Registered in META-INF/services to prove that {@link FenceAgents#load()} finds agents. */
public final class ServiceLoadedTestAgent implements FenceAgent {
  /** Creates the agent; ServiceLoader needs a public no-argument constructor. */
  public ServiceLoadedTestAgent() {}

  @Override
  public String name() {
    return "fence_service_loaded";
  }

  @Override
  public FenceOutcome perform(AgentRequest r) {
    return new FenceOutcome(r.action(), r.device().name(), 0, false, Duration.ZERO, "ok");
  }

  @Override
  public StatusReport status(AgentRequest r) {
    return new StatusReport(PowerStatus.OFF, perform(r));
  }

  @Override
  public PlugList list(AgentRequest r) {
    return new PlugList(false, List.of());
  }

  @Override
  public AgentMetadata metadata(Duration timeout) {
    return new AgentMetadata(name(), "", List.of(), List.of(), "<resource-agent/>");
  }
}
