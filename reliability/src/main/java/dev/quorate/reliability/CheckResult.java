package dev.quorate.reliability;

import java.util.List;
import java.util.Map;

/**
 * What the {@link Checker} found in one run.
 *
 * @param fenced whether the resource checked tokens
 * @param grants acquisitions granted
 * @param acknowledged increments the resource acknowledged to a client
 * @param staleRefused increments the resource refused as stale (fenced run)
 * @param overlaps increments the resource accepted from a holder older than one it had already
 *     accepted: a stale holder's critical section overlapping a newer one
 * @param faults faults injected, by type
 * @param faultsWithoutEffect faults that could not take effect, by type
 * @param recoveryMillis for each fault type, milliseconds from the fault to the next grant whose
 *     write was acknowledged
 * @param violations broken invariants, each with the evidence
 */
record CheckResult(
    boolean fenced,
    long grants,
    long acknowledged,
    long staleRefused,
    long overlaps,
    Map<Fault, Integer> faults,
    Map<Fault, Integer> faultsWithoutEffect,
    Map<Fault, List<Long>> recoveryMillis,
    List<String> violations) {

  boolean passed() {
    return violations.isEmpty();
  }
}
