package dev.quorate.fence;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent's self-description, parsed from the XML its {@code metadata} action prints.
 *
 * <pre>{@code
 * AgentMetadata meta = agent.metadata(Duration.ofSeconds(10));
 * boolean canList = meta.actions().contains(FenceAction.LIST);
 * }</pre>
 *
 * @param agent the agent's name from the {@code resource-agent} element
 * @param description the agent's short description
 * @param parameters the declared parameters, in document order
 * @param actions the declared actions Quorate knows, in document order
 * @param xml the XML as printed
 */
public record AgentMetadata(
    String agent,
    String description,
    List<AgentParameter> parameters,
    List<FenceAction> actions,
    String xml) {
  /**
   * Copies the lists.
   *
   * @param agent the agent's name
   * @param description the short description
   * @param parameters the parameters
   * @param actions the actions
   * @param xml the XML
   */
  public AgentMetadata {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(description, "description");
    parameters = List.copyOf(parameters);
    actions = List.copyOf(actions);
    Objects.requireNonNull(xml, "xml");
  }

  /**
   * Finds a declared parameter.
   *
   * @param name the option key
   * @return the parameter, or empty
   */
  public Optional<AgentParameter> parameter(String name) {
    return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
