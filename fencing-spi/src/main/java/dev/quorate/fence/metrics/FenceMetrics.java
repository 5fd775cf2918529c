package dev.quorate.fence.metrics;

import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceProposal;
import dev.quorate.fence.FenceTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;

/**
 * Counts the decisions of a {@link FenceGuard} into a Micrometer {@link MeterRegistry}: {@code
 * quorate_fence_decisions_total} (counter; {@code outcome} = {@code allowed} or {@code refused},
 * {@code reason} = the {@link dev.quorate.fence.FenceReason} in lower case, {@code stage} = {@code
 * decide} for the decision before any agent runs, {@code recheck} for the one just before it runs).
 * Micrometer is an optional dependency: add {@code io.micrometer:micrometer-core} to use this
 * class.
 *
 * <pre>{@code
 * FenceGuard guard = FenceMetrics.instrument(TopologyFenceGuard.builder(topology).build(), registry);
 * }</pre>
 */
public final class FenceMetrics {
  private FenceMetrics() {}

  /**
   * Returns {@code guard} with its decisions counted; it decides exactly as {@code guard}.
   *
   * @param guard the guard to measure
   * @param registry where the counter goes
   * @return the measured guard
   * @throws NullPointerException if an argument is null
   */
  public static FenceGuard instrument(FenceGuard guard, MeterRegistry registry) {
    Objects.requireNonNull(guard, "guard");
    Objects.requireNonNull(registry, "registry");
    return new FenceGuard() {
      @Override
      public FenceDecision decide(FenceProposal proposal) {
        return counted("decide", guard.decide(proposal));
      }

      @Override
      public FenceDecision recheck(FenceProposal proposal, FenceDecision allowed) {
        return counted("recheck", guard.recheck(proposal, allowed));
      }

      @Override
      public void check(FenceTopology topology) {
        guard.check(topology);
      }

      private FenceDecision counted(String stage, FenceDecision decision) {
        Counter.builder("quorate.fence.decisions")
            .description("fence guard decisions")
            .tags(
                "outcome",
                decision.allowed() ? "allowed" : "refused",
                "reason",
                decision.reason().name().toLowerCase(Locale.ROOT),
                "stage",
                stage)
            .register(registry)
            .increment();
        return decision;
      }

      @Override
      public String toString() {
        return "Measured[" + guard + "]";
      }
    };
  }
}
