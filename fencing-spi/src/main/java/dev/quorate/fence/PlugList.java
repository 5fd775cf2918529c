package dev.quorate.fence;

import java.util.List;
import java.util.Optional;

/**
 * The plugs a device listed. A device without plugs answers {@code N/A}: then {@link #supported()}
 * is false and the list is empty.
 *
 * <pre>{@code
 * PlugList plugs = agent.list(AgentRequest.of(device, FenceAction.LIST));
 * Optional<Plug> plug = plugs.find("node-a");
 * }</pre>
 *
 * @param supported whether the device has plugs at all
 * @param plugs the plugs in the order the agent printed them
 */
public record PlugList(boolean supported, List<Plug> plugs) {
  /**
   * Copies the list.
   *
   * @param supported whether the device has plugs
   * @param plugs the plugs
   */
  public PlugList {
    plugs = List.copyOf(plugs);
  }

  /**
   * Finds the plug for a target by id, then by alias.
   *
   * @param target the target name
   * @return the plug, or empty if none matches
   */
  public Optional<Plug> find(String target) {
    Optional<Plug> byId = plugs.stream().filter(p -> p.id().equals(target)).findFirst();
    return byId.isPresent() ? byId : plugs.stream().filter(p -> p.matches(target)).findFirst();
  }
}
