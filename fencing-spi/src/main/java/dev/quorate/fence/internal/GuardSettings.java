package dev.quorate.fence.internal;

import dev.quorate.fence.ForeignCollateral;
import dev.quorate.fence.HostInventory;
import dev.quorate.fence.LivenessSource;
import dev.quorate.fence.PlacementSource;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.TieBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The validated configuration of a {@link TopologyGuard}, as the public builder hands it over.
 *
 * @param policy the quorum policy; its topology places members on hosts
 * @param quorumState supplies the requester's current quorum state
 * @param members member name to id, every topology member named once
 * @param proxies device name to the host its agent acts through
 * @param livenessSources sources of liveness evidence
 * @param livenessWindow how fresh evidence must be to veto
 * @param stormBrakePercent the share of dead-looking hosts above which fencing brakes
 * @param allowCollateral whether healthy members sharing the target's host may be fenced
 * @param tieBreaker decides survivors at exactly half, or null to refuse every exact half
 * @param nanoClock monotonic nanoseconds, in the liveness sources' time base
 * @param placement where members run now
 * @param cluster this cluster's name in the host inventory, or null without one
 * @param inventory the shared host inventory, or null
 * @param inventoryMaxAge how old an inventory read may be
 * @param dedicatedHosts whether the hosts are declared to carry this cluster's members only
 * @param foreignCollateral what to do with healthy members of other clusters on a host
 */
public record GuardSettings(
    QuorumPolicy policy,
    Supplier<QuorumState> quorumState,
    Map<String, MemberId> members,
    Map<String, String> proxies,
    List<LivenessSource> livenessSources,
    Duration livenessWindow,
    int stormBrakePercent,
    boolean allowCollateral,
    TieBreaker tieBreaker,
    MonotonicClock nanoClock,
    PlacementSource placement,
    String cluster,
    HostInventory inventory,
    Duration inventoryMaxAge,
    boolean dedicatedHosts,
    ForeignCollateral foreignCollateral) {
  /**
   * Copies the collections.
   *
   * @param policy the quorum policy
   * @param quorumState the state supplier
   * @param members names to ids
   * @param proxies devices to proxy hosts
   * @param livenessSources liveness sources
   * @param livenessWindow the freshness window
   * @param stormBrakePercent the brake threshold
   * @param allowCollateral the collateral policy
   * @param tieBreaker the tie-breaker, or null
   * @param nanoClock the clock
   * @param placement the placement source
   * @param cluster the cluster name, or null
   * @param inventory the inventory, or null
   * @param inventoryMaxAge the inventory's age bound
   * @param dedicatedHosts the dedicated-hosts declaration
   * @param foreignCollateral the foreign-collateral policy
   */
  public GuardSettings {
    members = Map.copyOf(members);
    proxies = Map.copyOf(proxies);
    livenessSources = List.copyOf(livenessSources);
  }
}
