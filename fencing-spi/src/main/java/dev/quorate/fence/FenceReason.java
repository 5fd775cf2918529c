package dev.quorate.fence;

/**
 * Machine-readable reason of a guard decision, a fencer refusal, or a fence result. Stable: cluster
 * software may switch on these; new codes may be added.
 *
 * <pre>{@code
 * if (result.reason() == FenceReason.REFUSED_SURVIVORS_NOT_QUORATE) {
 *   alertOperator(result.explanation());
 * }
 * }</pre>
 */
public enum FenceReason {
  /** Allowed by a guard that allows everything; only for tests. */
  ALLOWED_FOR_TESTS,
  /** Allowed: the action fences one VM only, the narrowest scope. */
  ALLOWED_VM_LEVEL,
  /** Allowed: the survivors keep quorum without the members on the fenced host. */
  ALLOWED_SURVIVORS_QUORATE,
  /** Allowed: the survivors hold exactly half the votes and the tie-breaker grants them. */
  ALLOWED_BY_TIE_BREAKER,
  /** Allowed: an unfence (power on) from a quorate partition; restoring power costs no votes. */
  ALLOWED_UNFENCE,
  /** Refused: the requester's partition is not quorate, or the requester is not in it. */
  REFUSED_NOT_QUORATE,
  /** Refused: no usable quorum state (none yet, the supplier failed, or it names strangers). */
  REFUSED_NO_QUORUM_STATE,
  /** Refused: the requester or the target is not a member the guard knows. */
  REFUSED_UNKNOWN_MEMBER,
  /** Refused: the requester runs on the host that would be power-cycled. */
  REFUSED_REQUESTER_ON_HOST,
  /** Refused: the agent's proxy runs on the host that would be power-cycled. */
  REFUSED_PROXY_ON_HOST,
  /** Refused: without the host's members the survivors would lose quorum. */
  REFUSED_SURVIVORS_NOT_QUORATE,
  /** Refused: the survivors hold exactly half the votes and the tie-breaker refused them. */
  REFUSED_BY_TIE_BREAKER,
  /** Refused: healthy members share the host and no allow-collateral policy is set. */
  REFUSED_COLLATERAL,
  /**
   * Refused: the host also carries healthy members of other clusters (from the host inventory) and
   * the foreign-collateral policy does not allow fencing them.
   */
  REFUSED_FOREIGN_COLLATERAL,
  /**
   * Refused: no host inventory is configured (and the hosts are not declared dedicated), or it
   * could not be read, or its read is older than the guard's bound; who else runs on the host is
   * unknown.
   */
  REFUSED_INVENTORY_UNAVAILABLE,
  /** Refused: the placement could not be read, or does not place a member the decision needs. */
  REFUSED_PLACEMENT_UNKNOWN,
  /** Refused: a device of the level acts on other hosts than the one the target runs on now. */
  REFUSED_DEVICE_WRONG_HOST,
  /** Refused by the fencer: a member the decision relied on moved before the agent ran. */
  REFUSED_PLACEMENT_CHANGED,
  /** Vetoed: the target still shows liveness (a fresh heartbeat or lease). */
  VETO_TARGET_ALIVE,
  /** Refused: a liveness source failed, so whether the target still lives is unknown. */
  REFUSED_LIVENESS_UNKNOWN,
  /** Refused: the guard itself failed (a tie-breaker or vote source threw); nothing is guessed. */
  REFUSED_GUARD_FAILED,
  /** Braked: too many hosts look dead at once; more likely the network than the hosts. */
  BRAKE_FENCE_STORM,
  /** Refused by the fencer: the target was fenced successfully within its quiet time. */
  REFUSED_QUIET_TIME,
  /** Refused by the fencer: another host-level fence is in flight; one runs at a time. */
  REFUSED_HOST_FENCE_IN_FLIGHT,
  /** Refused by the fencer: a fence of the same target is already running. */
  REFUSED_TARGET_FENCE_IN_FLIGHT,
  /** The target was fenced: every device of a level succeeded and off was verified. */
  FENCED,
  /** The target was fenced: an off was refused, but the device's status shows it off. */
  FENCED_ALREADY_OFF,
  /** The target was fenced by another member while this request waited for it; reused. */
  FENCED_BY_PEER,
  /** An operator confirmed by hand that the target is down ({@link Fencer#confirm}). */
  CONFIRMED_BY_OPERATOR,
  /** The target was unfenced: every device of a level powered it on. */
  UNFENCED,
  /** A device's agent failed, timed out or could not start. */
  AGENT_FAILED,
  /** An off reported success but the device's status does not show the target off. */
  VERIFY_FAILED,
  /** A device has no plug for the target. */
  PLUG_NOT_FOUND,
  /** The request's deadline passed before a level succeeded. */
  DEADLINE_EXCEEDED
}
