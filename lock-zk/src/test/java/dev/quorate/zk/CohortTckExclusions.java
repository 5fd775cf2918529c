package dev.quorate.zk;

import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The TCK tests whose premise cohorting changes on purpose, each with the reason; every other TCK
 * test runs with cohorting on. (The TCK's test methods are package-private in another package, so
 * they cannot be overridden.)
 */
final class CohortTckExclusions implements ExecutionCondition {
  private static final Map<String, String> EXCLUDED =
      Map.of(
          "incompatibleWaitersAreGrantedInArrivalOrder",
          "counts one blocking callback per waiting request; with cohorting the waiting member's"
              + " three requests share one lock node, so the holder is told once, per member."
              + " The member still grants its waiters in arrival order, from its local queue");

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return context
        .getTestMethod()
        .map(method -> EXCLUDED.get(method.getName()))
        .map(ConditionEvaluationResult::disabled)
        .orElse(ConditionEvaluationResult.enabled("not affected by cohorting"));
  }
}
