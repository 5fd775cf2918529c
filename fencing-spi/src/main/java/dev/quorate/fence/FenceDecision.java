package dev.quorate.fence;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A guard's answer to a {@link FenceProposal}: allowed or refused, with a machine-readable reason
 * and a sentence a human can act on. Refusals are never silent: the fencer logs and records them.
 *
 * <pre>{@code
 * return FenceDecision.refuse(
 *     FenceReason.REFUSED_SURVIVORS_NOT_QUORATE,
 *     "power-cycling h1 leaves node-c alone: 1 vote < quorum 2");
 * }</pre>
 *
 * @param allowed whether the proposed level may run
 * @param reason the machine-readable reason
 * @param explanation a sentence naming the members, hosts and numbers behind the decision
 * @param collateral other members that the action also fences (all of a power-cycled host); members
 *     of other clusters as {@code cluster/member}
 * @param placement where the members the decision relied on ran when it was made (member, or {@code
 *     cluster/member} for other clusters, to host); the fencer re-reads it just before the agent
 *     runs and refuses if any of them moved. Empty when the decision relied on no placement
 */
public record FenceDecision(
    boolean allowed,
    FenceReason reason,
    String explanation,
    Set<String> collateral,
    Map<String, String> placement) {
  /**
   * Validates and copies.
   *
   * @param allowed whether the level may run
   * @param reason the reason
   * @param explanation the explanation, not blank
   * @param collateral the collateral members
   * @param placement the placement it relied on
   * @throws IllegalArgumentException if the explanation is blank
   */
  public FenceDecision {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(explanation, "explanation");
    if (explanation.isBlank()) {
      throw new IllegalArgumentException("a fence decision needs an explanation");
    }
    collateral = Set.copyOf(collateral);
    placement = Map.copyOf(placement);
  }

  /**
   * Creates a decision that relied on no placement.
   *
   * @param allowed whether the level may run
   * @param reason the reason
   * @param explanation the explanation, not blank
   * @param collateral the collateral members
   */
  public FenceDecision(
      boolean allowed, FenceReason reason, String explanation, Set<String> collateral) {
    this(allowed, reason, explanation, collateral, Map.of());
  }

  /**
   * Allows the level with no collateral.
   *
   * @param reason why
   * @param explanation the explanation
   * @return the decision
   */
  public static FenceDecision allow(FenceReason reason, String explanation) {
    return new FenceDecision(true, reason, explanation, Set.of());
  }

  /**
   * Refuses the level.
   *
   * @param reason why
   * @param explanation the explanation
   * @return the decision
   */
  public static FenceDecision refuse(FenceReason reason, String explanation) {
    return new FenceDecision(false, reason, explanation, Set.of());
  }
}
