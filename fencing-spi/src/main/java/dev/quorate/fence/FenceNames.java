package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import dev.quorate.lock.ConfigurationException;

/**
 * The one rule for the names fencing passes around (targets, members, hosts, clusters, devices,
 * plugs, operators): some of them reach a shell on a fence device (fence_virsh runs the plug over
 * ssh), so a name is a letter or digit followed by letters, digits or {@code . _ : @ + -}, at most
 * 255 characters. Every name this package accepts has passed this check; code that stores or
 * forwards fence names (a shared host inventory, a fence coordinator) checks with it too.
 *
 * <pre>{@code
 * String host = FenceNames.check("host", config.getProperty("host"));
 * }</pre>
 */
public final class FenceNames {
  private FenceNames() {}

  /**
   * Checks a name.
   *
   * @param what what the name is, named in the error (for example {@code "host"})
   * @param name the name
   * @return the name
   * @throws ConfigurationException if the name is null, empty, too long, or has a character outside
   *     the rule, naming {@code what} and the value
   */
  public static String check(String what, String name) {
    return OptionRules.checkName(what, name);
  }
}
