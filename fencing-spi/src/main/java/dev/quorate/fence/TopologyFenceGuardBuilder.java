package dev.quorate.fence;

import dev.quorate.fence.internal.GuardSettings;
import dev.quorate.fence.internal.OptionRules;
import dev.quorate.fence.internal.TopologyGuard;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.TieBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Configures a {@link TopologyFenceGuard}. Fence requests name members as strings ({@code node-a});
 * the quorum topology numbers them: {@link #member} maps every configured member's name to its id,
 * and {@link #build()} refuses a topology member without a name, so no host-level decision can
 * overlook a member it cannot name. Defaults: no collateral, a 10 s liveness window, the storm
 * brake above 50% dead hosts, the policy's auto_tie_breaker, the system monotonic clock, the
 * topology's hosts as a placement that never moves, no foreign collateral, an inventory read at
 * most 5 s old, and neither an inventory nor dedicated hosts: every host-level action is refused
 * until one of {@link #inventory} or {@link #dedicatedHosts} says who else may run on the hosts.
 * Not thread-safe; the guard it builds is.
 *
 * <pre>{@code
 * TopologyFenceGuard guard =
 *     TopologyFenceGuard.builder(policy, quorum::state)
 *         .member("node-a", 1)
 *         .member("node-b", 2)
 *         .member("node-c", 3)
 *         .deviceProxy("ipmi-h1", "mgmt-1")
 *         .livenessSource(qdisk)
 *         .livenessWindow(Duration.ofSeconds(10))
 *         .stormBrakePercent(50)
 *         .inventory("cluster-1", hostInventory) // or dedicatedHosts()
 *         .foreignCollateral(ForeignCollateral.REFUSE)
 *         .build();
 * }</pre>
 */
public final class TopologyFenceGuardBuilder {
  /** Default liveness window: about a quorum disk's detection time (interval 1 s, tko 10). */
  public static final Duration DEFAULT_LIVENESS_WINDOW = Duration.ofSeconds(10);

  /** Default storm brake: more than half of the hosts look dead (oVirt's default). */
  public static final int DEFAULT_STORM_BRAKE_PERCENT = 50;

  /** Default bound on the age of a host inventory read. */
  public static final Duration DEFAULT_INVENTORY_MAX_AGE = Duration.ofSeconds(5);

  private final QuorumPolicy policy;
  private final Supplier<QuorumState> quorumState;
  private final List<Map.Entry<String, Integer>> members = new ArrayList<>();
  private final Map<String, String> proxies = new LinkedHashMap<>();
  private final List<LivenessSource> livenessSources = new ArrayList<>();
  private Duration livenessWindow = DEFAULT_LIVENESS_WINDOW;
  private int stormBrakePercent = DEFAULT_STORM_BRAKE_PERCENT;
  private boolean allowCollateral;
  private TieBreaker tieBreaker;
  private MonotonicClock nanoClock = MonotonicClock.system();
  private PlacementSource placement;
  private String cluster;
  private HostInventory inventory;
  private Duration inventoryMaxAge = DEFAULT_INVENTORY_MAX_AGE;
  private boolean dedicatedHosts;
  private ForeignCollateral foreignCollateral = ForeignCollateral.REFUSE;

  TopologyFenceGuardBuilder(QuorumPolicy policy, Supplier<QuorumState> quorumState) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.quorumState = Objects.requireNonNull(quorumState, "quorumState");
  }

  /**
   * Names a member: fence requests use the name, the topology the id.
   *
   * @param name the name used in fence requests, such as {@code node-a}
   * @param id the member's id in the policy's topology
   * @return this builder
   */
  public TopologyFenceGuardBuilder member(String name, int id) {
    members.add(Map.entry(Objects.requireNonNull(name, "name"), id));
    return this;
  }

  /**
   * Names a member.
   *
   * @param name the name used in fence requests
   * @param id the member's id in the policy's topology
   * @return this builder
   * @throws NullPointerException if {@code id} is null
   */
  public TopologyFenceGuardBuilder member(String name, MemberId id) {
    return member(name, Objects.requireNonNull(id, "id").value());
  }

  /**
   * Declares the host through which a device's agent acts (oVirt's proxy host: the machine that
   * talks to the power switch). A host-level action is refused when the proxy runs on the host to
   * be power-cycled: it would cut itself off mid-fence. A device without a declared proxy is driven
   * from the requester's own process, which the guard already checks.
   *
   * @param device the device name, as in the {@link FenceTopology}
   * @param host the proxy's physical host
   * @return this builder
   * @throws ConfigurationException if a name is invalid or the device already has a proxy
   */
  public TopologyFenceGuardBuilder deviceProxy(String device, String host) {
    OptionRules.checkName("fence.guard.device_proxy device", device);
    OptionRules.checkName("fence.guard.device_proxy[" + device + "] host", host);
    if (proxies.putIfAbsent(device, host) != null) {
      throw new ConfigurationException(
          "fence.guard.device_proxy["
              + device
              + "]: declared twice ("
              + proxies.get(device)
              + ", "
              + host
              + "); a device has one proxy");
    }
    return this;
  }

  /**
   * Adds a source of liveness evidence (quorum disk heartbeats, storage leases).
   *
   * @param source the source; its times must share the guard's clock's time base
   * @return this builder
   * @throws NullPointerException if {@code source} is null
   */
  public TopologyFenceGuardBuilder livenessSource(LivenessSource source) {
    livenessSources.add(Objects.requireNonNull(source, "source"));
    return this;
  }

  /**
   * Sets how recent liveness evidence must be to veto a fence.
   *
   * @param window from 1 ms to 1 hour; default 10 s
   * @return this builder
   * @throws ConfigurationException if out of range
   */
  public TopologyFenceGuardBuilder livenessWindow(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigurationException(
          "fence.guard.liveness_window: " + window + " is invalid; accepted: 1 ms to 1 hour");
    }
    this.livenessWindow = window;
    return this;
  }

  /**
   * Sets the storm brake: fencing is refused while more than this share of the hosts look dead
   * (none of their members in the requester's partition).
   *
   * @param percent 1 to 100; 100 turns the brake off; default 50
   * @return this builder
   * @throws ConfigurationException if out of range
   */
  public TopologyFenceGuardBuilder stormBrakePercent(int percent) {
    if (percent < 1 || percent > 100) {
      throw new ConfigurationException(
          "fence.guard.storm_brake_percent: "
              + percent
              + " is invalid; accepted: 1 to 100 (100 turns the brake off)");
    }
    this.stormBrakePercent = percent;
    return this;
  }

  /**
   * Allows power-cycling a host that also runs healthy members besides the target. Off by default:
   * those members are fenced too, which the operator must have chosen explicitly.
   *
   * @param allow whether collateral members may be fenced
   * @return this builder
   */
  public TopologyFenceGuardBuilder allowCollateral(boolean allow) {
    this.allowCollateral = allow;
    return this;
  }

  /**
   * Sets the tie-breaker for survivors holding exactly half of the expected votes. Without it the
   * policy's auto_tie_breaker decides; without either, an exact half is refused.
   *
   * @param tieBreaker the tie-breaker
   * @return this builder
   * @throws ConfigurationException if it names members not in the topology
   */
  public TopologyFenceGuardBuilder tieBreaker(TieBreaker tieBreaker) {
    Objects.requireNonNull(tieBreaker, "tieBreaker").validate(policy.topology());
    this.tieBreaker = tieBreaker;
    return this;
  }

  /**
   * Sets where members run now. By default the topology's hosts, which never move: give a live
   * source when members are VMs that migrate ({@code ZkHostInventory.placement(cluster)}, or {@link
   * PlacementSource#command} over the hypervisors). A member the source does not place makes every
   * host-level decision refuse.
   *
   * @param placement the source, read once per decision and again before each agent runs
   * @return this builder
   */
  public TopologyFenceGuardBuilder placement(PlacementSource placement) {
    this.placement = Objects.requireNonNull(placement, "placement");
    return this;
  }

  /**
   * Sets the host inventory shared with the other clusters of the data center, and this cluster's
   * name in it. Before any host-level action the guard reads it and counts every occupant of the
   * hosts to be power-cycled; healthy members of other clusters are foreign collateral, refused
   * unless {@link #foreignCollateral} allows them. A read that fails or is older than {@link
   * #inventoryMaxAge} refuses.
   *
   * @param cluster this cluster's name in the inventory; its own entries there are not foreign
   * @param inventory the shared inventory
   * @return this builder
   * @throws ConfigurationException if the cluster name is invalid ({@link #build()} refuses an
   *     inventory together with {@link #dedicatedHosts()})
   */
  public TopologyFenceGuardBuilder inventory(String cluster, HostInventory inventory) {
    this.cluster = OptionRules.checkName("fence.guard.inventory cluster", cluster);
    this.inventory = Objects.requireNonNull(inventory, "inventory");
    return this;
  }

  /**
   * Sets how old an inventory read may be before the guard refuses on it.
   *
   * @param maxAge from 1 ms to 10 minutes; default 5 s
   * @return this builder
   * @throws ConfigurationException if out of range
   */
  public TopologyFenceGuardBuilder inventoryMaxAge(Duration maxAge) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.compareTo(Duration.ofMillis(1)) < 0
        || maxAge.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigurationException(
          "fence.guard.inventory_max_age: " + maxAge + " is invalid; accepted: 1 ms to 10 minutes");
    }
    this.inventoryMaxAge = maxAge;
    return this;
  }

  /**
   * Declares that the physical hosts of this cluster carry no member of any other cluster, so the
   * guard needs no host inventory. Without this declaration or an {@link #inventory}, every
   * host-level action is refused ({@link FenceReason#REFUSED_INVENTORY_UNAVAILABLE}): a guard that
   * knows only its own cluster would kill other clusters' members unseen.
   *
   * @return this builder
   */
  public TopologyFenceGuardBuilder dedicatedHosts() {
    this.dedicatedHosts = true;
    return this;
  }

  /**
   * Sets what happens when a host to be power-cycled carries healthy members of other clusters.
   *
   * @param policy {@link ForeignCollateral#REFUSE} (default) or {@link
   *     ForeignCollateral#ALLOW_IF_CLUSTERS_STAY_QUORATE}
   * @return this builder
   */
  public TopologyFenceGuardBuilder foreignCollateral(ForeignCollateral policy) {
    this.foreignCollateral = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Sets the monotonic clock liveness ages are measured with.
   *
   * @param nanoClock monotonic nanoseconds, in the liveness sources' time base
   * @return this builder
   */
  public TopologyFenceGuardBuilder clock(MonotonicClock nanoClock) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    return this;
  }

  /**
   * Checks the configuration, logs its warnings and builds the guard.
   *
   * @return the guard
   * @throws ConfigurationException if a name is invalid or given twice, an id is unknown or named
   *     twice, a topology member has no name, or both an inventory and dedicated hosts are set
   */
  public TopologyFenceGuard build() {
    Map<String, MemberId> byName = new LinkedHashMap<>();
    Map<MemberId, String> byId = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> entry : members) {
      String name = OptionRules.checkName("fence.guard.member name", entry.getKey());
      int raw = entry.getValue();
      if (raw < 1 || !policy.topology().contains(MemberId.of(raw))) {
        throw new ConfigurationException(
            "fence.guard.member["
                + name
                + "]: id "
                + raw
                + " is not in the topology; accepted: "
                + policy.topology().ids());
      }
      MemberId id = MemberId.of(raw);
      if (byName.putIfAbsent(name, id) != null) {
        throw new ConfigurationException(
            "fence.guard.member[" + name + "]: the name is given twice; names must be unique");
      }
      String other = byId.putIfAbsent(id, name);
      if (other != null) {
        throw new ConfigurationException(
            "fence.guard.member[" + name + "]: id " + id + " is already named '" + other + "'");
      }
    }
    SortedSet<MemberId> unnamed = new TreeSet<>(policy.topology().ids());
    unnamed.removeAll(byId.keySet());
    if (!unnamed.isEmpty()) {
      // A host-level decision must name every member it fences as collateral.
      throw new ConfigurationException(
          "fence.guard.member: members "
              + unnamed
              + " of the topology have no name; name every member with member(name, id)");
    }
    if (inventory != null && dedicatedHosts) {
      throw new ConfigurationException(
          "fence.guard: both an inventory and dedicatedHosts() are set; dedicated hosts need no"
              + " inventory, shared hosts need one: choose one");
    }
    Map<String, String> fixedHosts = new LinkedHashMap<>();
    byName.forEach(
        (name, id) -> fixedHosts.put(name, policy.topology().member(id).orElseThrow().host()));
    GuardSettings settings =
        new GuardSettings(
            policy,
            quorumState,
            byName,
            proxies,
            livenessSources,
            livenessWindow,
            stormBrakePercent,
            allowCollateral,
            tieBreaker != null ? tieBreaker : policy.autoTieBreaker().orElse(null),
            nanoClock,
            placement != null ? placement : PlacementSource.fixed(fixedHosts, nanoClock),
            cluster,
            inventory,
            inventoryMaxAge,
            dedicatedHosts,
            foreignCollateral);
    return new TopologyGuard(settings);
  }
}
