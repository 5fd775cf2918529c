package dev.quorate.fence;

import java.util.Objects;
import java.util.Optional;

/**
 * One parameter an agent's metadata declares.
 *
 * <pre>{@code
 * metadata.parameters().stream().filter(AgentParameter::required).map(AgentParameter::name);
 * }</pre>
 *
 * @param name the option key, as written on stdin
 * @param required whether the agent needs it
 * @param type the declared content type, such as {@code string} or {@code boolean}
 * @param defaultValue the declared default, if any
 * @param description the short description, possibly empty
 */
public record AgentParameter(
    String name, boolean required, String type, Optional<String> defaultValue, String description) {
  /**
   * Checks the fields.
   *
   * @param name the option key
   * @param required whether it is required
   * @param type the content type
   * @param defaultValue the default, if any
   * @param description the short description
   */
  public AgentParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
  }
}
