package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import dev.quorate.lock.ConfigurationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which devices fence which target, level by level, and each target's timing policy: Pacemaker's
 * "fencing topology" (its {@code fencing-topology} levels). Immutable; built and checked once:
 * every level's devices must exist, and a target's level indexes must be distinct.
 *
 * <p>A different concept from the cluster's {@link dev.quorate.quorum.Topology} (members, their
 * votes and the physical host each runs on), which the {@link TopologyFenceGuard} reads to decide
 * whether a fence may run; this class says how a fence runs once it may.
 *
 * <pre>{@code
 * FenceTopology topology =
 *     FenceTopology.builder()
 *         .device(virshH1)
 *         .device(ipmiH1)
 *         .level("node-a", FenceLevel.of(1, "virsh-h1"))
 *         .level("node-a", FenceLevel.of(2, "ipmi-h1"))
 *         .policy("node-a", new TargetPolicy(Duration.ZERO, Duration.ofSeconds(5),
 *             Duration.ZERO, Duration.ofMinutes(2)))
 *         .build();
 * }</pre>
 */
public final class FenceTopology {
  private final Map<String, FenceDevice> devices;
  private final Map<String, List<FenceLevel>> levels;
  private final Map<String, TargetPolicy> policies;

  private FenceTopology(Builder b) {
    this.devices = Map.copyOf(b.devices);
    Map<String, List<FenceLevel>> sorted = new LinkedHashMap<>();
    b.levels.forEach(
        (target, list) -> {
          List<FenceLevel> copy = new ArrayList<>(list);
          copy.sort(Comparator.comparingInt(FenceLevel::index));
          for (int i = 1; i < copy.size(); i++) {
            if (copy.get(i).index() == copy.get(i - 1).index()) {
              throw new ConfigurationException(
                  "target '" + target + "' has two levels with index " + copy.get(i).index());
            }
          }
          for (FenceLevel level : copy) {
            for (String device : level.devices()) {
              if (!devices.containsKey(device)) {
                throw new ConfigurationException(
                    "level "
                        + level.index()
                        + " of target '"
                        + target
                        + "' names unknown device '"
                        + device
                        + "'; known devices: "
                        + devices.keySet());
              }
            }
          }
          sorted.put(target, List.copyOf(copy));
        });
    this.levels = Map.copyOf(sorted);
    this.policies = Map.copyOf(b.policies);
  }

  /**
   * Starts an empty builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a target's levels in index order.
   *
   * @param target the target name
   * @return the levels; empty if the target has none
   */
  public List<FenceLevel> levels(String target) {
    return levels.getOrDefault(target, List.of());
  }

  /**
   * Returns a device by name.
   *
   * @param name the device name
   * @return the device, or empty
   */
  public Optional<FenceDevice> device(String name) {
    return Optional.ofNullable(devices.get(name));
  }

  /**
   * Returns a level's devices, in the level's order.
   *
   * @param level a level of this topology
   * @return the devices
   * @throws ConfigurationException if the level names a device this topology lacks
   */
  public List<FenceDevice> devices(FenceLevel level) {
    List<FenceDevice> out = new ArrayList<>();
    for (String name : level.devices()) {
      out.add(
          device(name)
              .orElseThrow(
                  () -> new ConfigurationException("unknown fence device '" + name + "'")));
    }
    return out;
  }

  /**
   * Returns a target's timing policy.
   *
   * @param target the target name
   * @return its policy, or {@link TargetPolicy#NONE}
   */
  public TargetPolicy policy(String target) {
    return policies.getOrDefault(target, TargetPolicy.NONE);
  }

  @Override
  public String toString() {
    return "FenceTopology[devices=" + devices.keySet() + ", levels=" + levels + "]";
  }

  /** Collects devices, levels and policies; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private final Map<String, FenceDevice> devices = new LinkedHashMap<>();
    private final Map<String, List<FenceLevel>> levels = new LinkedHashMap<>();
    private final Map<String, TargetPolicy> policies = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds a device.
     *
     * @param device the device; its name must be unique
     * @return this builder
     * @throws ConfigurationException if a device with that name was added before
     */
    public Builder device(FenceDevice device) {
      if (devices.putIfAbsent(device.name(), device) != null) {
        throw new ConfigurationException("fence device '" + device.name() + "' added twice");
      }
      return this;
    }

    /**
     * Adds a level for a target.
     *
     * @param target the target name
     * @param level the level
     * @return this builder
     * @throws ConfigurationException if the target name is invalid
     */
    public Builder level(String target, FenceLevel level) {
      OptionRules.checkName("target", target);
      levels.computeIfAbsent(target, t -> new ArrayList<>()).add(Objects.requireNonNull(level));
      return this;
    }

    /**
     * Sets a target's timing policy.
     *
     * @param target the target name
     * @param policy the policy
     * @return this builder
     * @throws ConfigurationException if the target name is invalid
     */
    public Builder policy(String target, TargetPolicy policy) {
      policies.put(OptionRules.checkName("target", target), Objects.requireNonNull(policy));
      return this;
    }

    /**
     * Builds the topology.
     *
     * @return the checked topology
     * @throws ConfigurationException if a level names an unknown device or two levels of a target
     *     share an index
     */
    public FenceTopology build() {
      return new FenceTopology(this);
    }
  }
}
