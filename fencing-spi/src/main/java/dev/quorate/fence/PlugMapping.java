package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a fence device finds the plug (outlet, VM name, port) for a target: from a host map, from a
 * static list of targets it controls, from the agent's own {@code list} output, or not at all when
 * the device controls exactly one machine.
 *
 * <pre>{@code
 * PlugMapping byMap = PlugMapping.hostMap(Map.of("node-a", "vm-101", "node-b", "vm-102"));
 * PlugMapping byList = PlugMapping.dynamicList(); // asks the agent, matches plug id or alias
 * }</pre>
 */
public sealed interface PlugMapping
    permits PlugMapping.HostMap,
        PlugMapping.StaticList,
        PlugMapping.DynamicList,
        PlugMapping.NoPlug {

  /**
   * Maps targets to plugs explicitly.
   *
   * @param targetToPlug target name to plug name
   * @return the mapping
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid
   */
  static PlugMapping hostMap(Map<String, String> targetToPlug) {
    return new HostMap(targetToPlug);
  }

  /**
   * Uses the target name as plug, for the listed targets only.
   *
   * @param targets the targets the device controls
   * @return the mapping
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid
   */
  static PlugMapping staticList(Set<String> targets) {
    return new StaticList(targets);
  }

  /**
   * Asks the agent's {@code list} action at fence time and uses the plug whose id or alias is the
   * target name.
   *
   * @return the mapping
   */
  static PlugMapping dynamicList() {
    return new DynamicList();
  }

  /**
   * Sends no plug: the device controls one machine.
   *
   * @return the mapping
   */
  static PlugMapping none() {
    return new NoPlug();
  }

  /**
   * An explicit target to plug map (Pacemaker's host map).
   *
   * @param targetToPlug target name to plug name, copied and sorted
   */
  record HostMap(Map<String, String> targetToPlug) implements PlugMapping {
    /**
     * Validates and copies the map.
     *
     * @param targetToPlug target name to plug name
     * @throws dev.quorate.lock.ConfigurationException if a name is invalid
     */
    public HostMap {
      Map<String, String> copy = new TreeMap<>();
      targetToPlug.forEach(
          (target, plug) ->
              copy.put(
                  OptionRules.checkName("target", target), OptionRules.checkName("plug", plug)));
      targetToPlug = Map.copyOf(copy);
    }
  }

  /**
   * The targets a device controls, each plugged under its own name.
   *
   * @param targets the target names, copied
   */
  record StaticList(Set<String> targets) implements PlugMapping {
    /**
     * Validates and copies the set.
     *
     * @param targets the target names
     * @throws dev.quorate.lock.ConfigurationException if a name is invalid
     */
    public StaticList {
      Set<String> copy = new TreeSet<>();
      targets.forEach(t -> copy.add(OptionRules.checkName("target", t)));
      targets = Set.copyOf(copy);
    }
  }

  /** The agent's own list, asked at fence time. */
  record DynamicList() implements PlugMapping {}

  /** No plug: the device controls exactly one machine. */
  record NoPlug() implements PlugMapping {}
}
