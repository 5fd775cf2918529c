package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import java.util.Objects;

/**
 * One plug (outlet, port, VM) a fence device lists, as the agent prints it: {@code id,alias}.
 *
 * <pre>{@code
 * Plug plug = new Plug("vm-101", "node-a");
 * boolean forNodeA = plug.matches("node-a"); // true
 * }</pre>
 *
 * @param id the plug id the agent accepts as {@code plug=}
 * @param alias a second name, often the machine's name; empty when the agent printed none
 */
public record Plug(String id, String alias) {
  /**
   * Validates the plug.
   *
   * @param id the plug id
   * @param alias the alias, possibly empty
   * @throws dev.quorate.lock.ConfigurationException if the id is not a valid plug name
   */
  public Plug {
    OptionRules.checkName("plug", id);
    Objects.requireNonNull(alias, "alias");
  }

  /**
   * Tells whether this plug belongs to a target, by id or alias.
   *
   * @param target the target name
   * @return true if the id or the alias equals the target name
   */
  public boolean matches(String target) {
    return id.equals(target) || alias.equals(target);
  }
}
