package dev.quorate.fence.internal;

import dev.quorate.fence.LivenessSource;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.TieBreaker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
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
    LongSupplier nanoClock) {
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
   */
  public GuardSettings {
    members = Map.copyOf(members);
    proxies = Map.copyOf(proxies);
    livenessSources = List.copyOf(livenessSources);
  }
}
