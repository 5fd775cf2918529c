package dev.quorate.zk;

import dev.quorate.quorum.MemberId;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * The arbiter's choice: which partition gets its vote, and by which {@link Ffsplit} rule.
 *
 * <pre>{@code
 * ArbiterDecision decision = Ffsplit.decide(topology, reports, Ffsplit.LastResort.LOWEST_ID);
 * decision.winner().ifPresent(w -> log.info("arbiter votes for {}: {}", w, decision.reason()));
 * }</pre>
 *
 * @param winner the winning partition, or empty when no member reported
 * @param rule the rule that decided
 * @param reason the rule with the numbers, for logs and operators
 */
public record ArbiterDecision(
    Optional<SortedSet<MemberId>> winner, Ffsplit.Rule rule, String reason) {
  /**
   * Validates and copies the components.
   *
   * @param winner the winning partition, or empty
   * @param rule the deciding rule
   * @param reason the explanation
   * @throws NullPointerException if a component is null
   */
  public ArbiterDecision {
    winner = Objects.requireNonNull(winner, "winner").map(ArbiterReport::sorted);
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Tells whether the arbiter votes for exactly this partition.
   *
   * @param partition the members of a partition
   * @return true if it is the winner
   */
  public boolean votesFor(SortedSet<MemberId> partition) {
    return winner.isPresent() && winner.get().equals(partition);
  }
}
