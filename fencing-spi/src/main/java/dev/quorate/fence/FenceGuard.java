package dev.quorate.fence;

/**
 * Decides every fence level before any of its agents runs. The fencer asks once per level, in level
 * order; a refused level runs no agent, is logged and recorded with the decision's reason, and the
 * fencer moves on to the next level (so a refused host-level power cycle does not stop a VM-level
 * fence, and a veto that refuses every level runs nothing at all).
 *
 * <p>The topology-aware guard of the design (narrowest action first, survivors keep quorum,
 * collateral policy, liveness veto, storm brake) is {@link TopologyFenceGuard}. Implementations
 * must be thread-safe, must not block for long, and must never return null.
 *
 * <pre>{@code
 * FenceGuard vmOnly =
 *     proposal ->
 *         proposal.scope() == FenceScope.VM
 *             ? FenceDecision.allow(FenceReason.ALLOWED_VM_LEVEL, "one VM only")
 *             : FenceDecision.refuse(FenceReason.REFUSED_COLLATERAL, "no host power cycles here");
 * }</pre>
 */
@FunctionalInterface
public interface FenceGuard {
  /**
   * Decides whether a level may run.
   *
   * @param proposal the request, the level and its devices
   * @return the decision with its reason and explanation
   */
  FenceDecision decide(FenceProposal proposal);

  /**
   * Confirms an allowed decision just before the level's agents run: the fencer may have waited
   * (delays, a peer's fence, the proposal's earlier levels) since {@link #decide}, and VMs migrate.
   * The topology-aware guard decides again on the placement as it is now and refuses with {@link
   * FenceReason#REFUSED_PLACEMENT_CHANGED} if a member the first decision relied on moved. By
   * default the first decision stands.
   *
   * @param proposal the proposal that was allowed
   * @param allowed the decision {@link #decide} returned for it
   * @return the decision that stands now
   */
  default FenceDecision recheck(FenceProposal proposal, FenceDecision allowed) {
    return allowed;
  }

  /**
   * Checks a fence topology against what the guard knows, when a fencer is built: the
   * topology-aware guard refuses a host-level device that does not power the host its target runs
   * on. By default nothing is checked.
   *
   * @param topology the topology the fencer will run
   * @throws dev.quorate.lock.ConfigurationException if the topology contradicts the guard
   */
  default void check(FenceTopology topology) {}

  /**
   * Returns a guard that allows everything. Only for tests: in a cluster it would let a minority
   * partition fence the majority, or power-cycle the host the requester runs on.
   *
   * @return the allow-all guard
   */
  static FenceGuard allowAllForTests() {
    return proposal ->
        FenceDecision.allow(
            FenceReason.ALLOWED_FOR_TESTS, "allow-all guard for tests; checks nothing");
  }
}
