package dev.quorate.fence.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every decision is counted once by outcome, reason and stage, and passed on unchanged. */
@Timeout(10)
class FenceMetricsTest {
  @Test
  void decisionsAreCountedByOutcomeReasonAndStage() {
    FenceDecision allowed = FenceDecision.allow(FenceReason.ALLOWED_VM_LEVEL, "vm level");
    FenceDecision refused =
        FenceDecision.refuse(FenceReason.REFUSED_SURVIVORS_NOT_QUORATE, "survivors 1 < 2");
    ArrayDeque<FenceDecision> answers = new ArrayDeque<>(List.of(allowed, refused, refused));
    FenceGuard inner =
        new FenceGuard() {
          @Override
          public FenceDecision decide(dev.quorate.fence.FenceProposal proposal) {
            return answers.removeFirst();
          }

          @Override
          public FenceDecision recheck(
              dev.quorate.fence.FenceProposal proposal, FenceDecision allowedBefore) {
            return refused;
          }
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FenceGuard guard = FenceMetrics.instrument(inner, registry);

    assertThat(guard.decide(null)).isSameAs(allowed);
    assertThat(guard.decide(null)).isSameAs(refused);
    assertThat(guard.decide(null)).isSameAs(refused);
    assertThat(guard.recheck(null, allowed)).isSameAs(refused);

    assertThat(count(registry, "allowed", "allowed_vm_level", "decide")).isEqualTo(1);
    assertThat(count(registry, "refused", "refused_survivors_not_quorate", "decide")).isEqualTo(2);
    assertThat(count(registry, "refused", "refused_survivors_not_quorate", "recheck")).isEqualTo(1);
  }

  private static double count(
      SimpleMeterRegistry registry, String outcome, String reason, String stage) {
    return registry
        .get("quorate.fence.decisions")
        .tags("outcome", outcome, "reason", reason, "stage", stage)
        .counter()
        .count();
  }
}
