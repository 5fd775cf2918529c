package dev.quorate.fence;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a fence request ended: its status, the level that decided it, that level's devices, the
 * reason, and every agent call made on the way.
 *
 * <pre>{@code
 * FenceResult result = fencer.fence(request);
 * if (result.status() == FenceResult.Status.SUCCEEDED) {
 *   recoverResourcesOf(request.target());
 * } else {
 *   log.error("{} {}: {}", result.status(), result.reason(), result.explanation());
 * }
 * }</pre>
 *
 * @param request the request
 * @param status how it ended
 * @param level the index of the level that succeeded or was tried last, or 0 if none ran
 * @param devices that level's devices
 * @param reason the machine-readable reason
 * @param explanation a sentence explaining the reason
 * @param outcomes every agent call made, in order
 * @param elapsed how long the request took, delays included
 */
public record FenceResult(
    FenceRequest request,
    Status status,
    int level,
    List<String> devices,
    FenceReason reason,
    String explanation,
    List<FenceOutcome> outcomes,
    Duration elapsed) {

  /** How a fence request ended. */
  public enum Status {
    /** A level succeeded: the target is fenced (or unfenced, for ON). */
    SUCCEEDED,
    /** Every allowed level failed. */
    FAILED,
    /** The guard or the fencer refused every level; no agent ran for a refused level. */
    REFUSED,
    /** The deadline passed before a level succeeded. */
    TIMED_OUT
  }

  /**
   * Copies the lists.
   *
   * @param request the request
   * @param status how it ended
   * @param level the deciding level, or 0
   * @param devices its devices
   * @param reason the reason
   * @param explanation the explanation
   * @param outcomes the agent calls
   * @param elapsed the time taken
   */
  public FenceResult {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(status, "status");
    devices = List.copyOf(devices);
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(explanation, "explanation");
    outcomes = List.copyOf(outcomes);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /**
   * Tells whether the request succeeded.
   *
   * @return true if a level succeeded
   */
  public boolean succeeded() {
    return status == Status.SUCCEEDED;
  }
}
