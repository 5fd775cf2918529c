package dev.quorate.fence;

import dev.quorate.fence.internal.FenceRecordJson;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the fence history: who asked to fence whom, how, with which level and devices, and
 * how it ended. The fencer appends one per level it decided on, and one with level 0 when it
 * refused before any level.
 *
 * <pre>{@code
 * history.forTarget("node-a").forEach(r -> System.out.println(r.status() + " " + r.reason()));
 * }</pre>
 *
 * @param requestedAt when the request arrived (wall clock, for people reading the history)
 * @param finishedAt when this entry's part of the request ended
 * @param requester who asked
 * @param target who was to be fenced
 * @param action the requested action
 * @param level the level index, or 0 if no level ran
 * @param devices the level's devices
 * @param status how it ended
 * @param reason the machine-readable reason
 * @param explanation a sentence explaining the reason; never contains a secret
 */
public record FenceRecord(
    Instant requestedAt,
    Instant finishedAt,
    String requester,
    String target,
    FenceAction action,
    int level,
    List<String> devices,
    FenceResult.Status status,
    FenceReason reason,
    String explanation) {
  /**
   * Checks and copies.
   *
   * @param requestedAt when the request arrived
   * @param finishedAt when it ended
   * @param requester who asked
   * @param target the target
   * @param action the action
   * @param level the level, or 0
   * @param devices the devices
   * @param status how it ended
   * @param reason the reason
   * @param explanation the explanation
   */
  public FenceRecord {
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(action, "action");
    devices = List.copyOf(devices);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(explanation, "explanation");
  }

  /**
   * Creates the record of an operator's confirmation by hand that a target is down (powered off,
   * unplugged, its VM destroyed), as {@link Fencer#confirm} appends it: a successful {@code off} at
   * level 0 with reason {@link FenceReason#CONFIRMED_BY_OPERATOR}. Appended to a history that a
   * {@link FenceRecoveryGate} reads, it opens the gate for grants made before {@code at}.
   *
   * <pre>{@code
   * history.append(FenceRecord.confirmation(Instant.now(), "node-a", "alice", "PDU outlet 4 off"));
   * }</pre>
   *
   * @param at when the operator confirmed
   * @param target the member confirmed down
   * @param operator who confirms, recorded as the requester
   * @param reason what the operator checked; may be blank
   * @return the record
   * @throws NullPointerException if an argument is null
   */
  public static FenceRecord confirmation(
      Instant at, String target, String operator, String reason) {
    Objects.requireNonNull(reason, "reason");
    return new FenceRecord(
        at,
        at,
        operator,
        target,
        FenceAction.OFF,
        0,
        List.of(),
        FenceResult.Status.SUCCEEDED,
        FenceReason.CONFIRMED_BY_OPERATOR,
        "operator "
            + operator
            + " confirmed by hand that "
            + target
            + " is down"
            + (reason.isBlank() ? "" : ": " + reason));
  }

  /**
   * Returns this record as one line of JSON (no line break), the form of the history file and of
   * the ZooKeeper history's nodes, readable with {@code jq}.
   *
   * <pre>{@code
   * Files.writeString(log, record.toJson() + "\n", StandardOpenOption.APPEND);
   * }</pre>
   *
   * @return the JSON object
   */
  public String toJson() {
    return FenceRecordJson.encode(this);
  }

  /**
   * Reads a record written by {@link #toJson()}.
   *
   * @param json one JSON object
   * @return the record
   * @throws IllegalArgumentException if the text is not a fence record; the message says what is
   *     wrong and where
   */
  public static FenceRecord fromJson(String json) {
    return FenceRecordJson.decode(json);
  }
}
