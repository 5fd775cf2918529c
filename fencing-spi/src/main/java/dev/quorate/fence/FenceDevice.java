package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One configured fence device: which agent drives it, its options, its secrets, what it cuts, and
 * how it finds a target's plug. Immutable and validated on construction, so a bad option fails at
 * configuration time, not in the middle of a fence. Secrets are kept apart from plain options and
 * show as {@code Secret[***]} in {@link #toString()}.
 *
 * <pre>{@code
 * FenceDevice ipmi =
 *     FenceDevice.builder("ipmi-h1", "fence_ipmilan")
 *         .scope(FenceScope.HOST)
 *         .hosts("h1")
 *         .option("ip", "10.0.0.21")
 *         .option("username", "admin")
 *         .secret("password", Secret.of(passwordFromVault))
 *         .plugs(PlugMapping.none())
 *         .timeout(Duration.ofSeconds(20))
 *         .build();
 * }</pre>
 *
 * @param name the device's unique name in a topology
 * @param agent the agent that drives it, such as {@code fence_ipmilan}
 * @param scope what one action of this device cuts
 * @param hosts the physical hosts the device acts on: for {@link FenceScope#HOST} the hosts it
 *     powers (required: the guard counts the members on these hosts, never on the target's host by
 *     assumption); for {@link FenceScope#VM} the hypervisor hosts it reaches, or empty if it
 *     reaches the target wherever it runs
 * @param options plain options written to the agent's stdin
 * @param secrets secret options (passwords) written to the agent's stdin only
 * @param plugs how a target's plug is found
 * @param timeout the longest one agent call may take
 */
public record FenceDevice(
    String name,
    String agent,
    FenceScope scope,
    Set<String> hosts,
    Map<String, String> options,
    Map<String, Secret> secrets,
    PlugMapping plugs,
    Duration timeout) {

  /**
   * Validates and copies every field.
   *
   * @param name the device's unique name in a topology
   * @param agent the agent that drives it
   * @param scope what one action of this device cuts
   * @param hosts the hosts it powers (HOST scope, at least one) or reaches (VM scope, may be empty)
   * @param options plain options
   * @param secrets secret options
   * @param plugs how a target's plug is found
   * @param timeout the longest one agent call may take
   * @throws ConfigurationException if a name, key or value is invalid, a key is reserved or given
   *     twice, a host-level device declares no host, or the timeout is not positive
   */
  public FenceDevice {
    OptionRules.checkName("fence device name", name);
    OptionRules.checkAgentName(agent);
    Objects.requireNonNull(scope, "scope");
    Set<String> checkedHosts = new java.util.TreeSet<>();
    for (String host : hosts) {
      checkedHosts.add(OptionRules.checkName("fence device '" + name + "' host", host));
    }
    if (scope == FenceScope.HOST && checkedHosts.isEmpty()) {
      throw new ConfigurationException(
          "fence device '"
              + name
              + "' is host-level but declares no host it powers; declare the host(s) its"
              + " outlet or board powers with hosts(...): the guard counts the members of those"
              + " hosts, never of the target's host by assumption");
    }
    hosts = java.util.Collections.unmodifiableSet(checkedHosts);
    Objects.requireNonNull(plugs, "plugs");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException(
          "fence device '" + name + "' timeout " + timeout + " must be positive");
    }
    Map<String, String> plain = new LinkedHashMap<>();
    options.forEach((k, v) -> plain.put(checkOwnKey(name, k), OptionRules.checkValue(k, v, false)));
    Map<String, Secret> hidden = new LinkedHashMap<>();
    secrets.forEach(
        (k, v) -> {
          if (plain.containsKey(k)) {
            throw new ConfigurationException(
                "fence device '" + name + "' gives option '" + k + "' both plain and secret");
          }
          OptionRules.checkValue(k, Objects.requireNonNull(v, k).reveal(), true);
          hidden.put(checkOwnKey(name, k), v);
        });
    options = java.util.Collections.unmodifiableMap(plain);
    secrets = java.util.Collections.unmodifiableMap(hidden);
  }

  private static String checkOwnKey(String device, String key) {
    OptionRules.checkKey(key);
    if (OptionRules.RESERVED_KEYS.contains(key)) {
      throw new ConfigurationException(
          "fence device '"
              + device
              + "' may not set option '"
              + key
              + "': the fencer sets action, port, plug and nodename itself");
    }
    return key;
  }

  /**
   * Starts a builder with VM scope, no plug, no options and a 60 s timeout.
   *
   * @param name the device's unique name
   * @param agent the agent that drives it, such as {@code fence_virsh}
   * @return a new builder
   */
  public static Builder builder(String name, String agent) {
    return new Builder(name, agent);
  }

  /** Collects a device's settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final String agent;
    private FenceScope scope = FenceScope.VM;
    private final Set<String> hosts = new java.util.LinkedHashSet<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private PlugMapping plugs = PlugMapping.none();
    private Duration timeout = Duration.ofSeconds(60);

    private Builder(String name, String agent) {
      this.name = name;
      this.agent = agent;
    }

    /**
     * Sets what one action of the device cuts.
     *
     * @param scope VM or HOST
     * @return this builder
     */
    public Builder scope(FenceScope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Declares the physical hosts the device acts on: for a host-level device the hosts it powers
     * (a PDU outlet group or an IPMI board powers one; a shared PDU may power several), for a
     * VM-level device the hypervisor hosts it reaches.
     *
     * @param hosts host names
     * @return this builder
     */
    public Builder hosts(String... hosts) {
      this.hosts.addAll(java.util.List.of(hosts));
      return this;
    }

    /**
     * Adds a plain option.
     *
     * @param key the option key, such as {@code ip}
     * @param value its value
     * @return this builder
     */
    public Builder option(String key, String value) {
      options.put(key, value);
      return this;
    }

    /**
     * Adds a secret option, such as {@code password}.
     *
     * @param key the option key
     * @param value the secret value
     * @return this builder
     */
    public Builder secret(String key, Secret value) {
      secrets.put(key, value);
      return this;
    }

    /**
     * Sets how a target's plug is found.
     *
     * @param plugs the mapping
     * @return this builder
     */
    public Builder plugs(PlugMapping plugs) {
      this.plugs = Objects.requireNonNull(plugs, "plugs");
      return this;
    }

    /**
     * Sets the longest one agent call may take.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the device.
     *
     * @return the validated device
     * @throws ConfigurationException if a setting is invalid
     */
    public FenceDevice build() {
      return new FenceDevice(name, agent, scope, hosts, options, secrets, plugs, timeout);
    }
  }
}
