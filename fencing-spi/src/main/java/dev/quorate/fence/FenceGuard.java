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
