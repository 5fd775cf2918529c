package dev.quorate.fence.internal;

import static dev.quorate.lock.internal.json.Json.object;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceResult;
import dev.quorate.lock.internal.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@link FenceRecord} as one line of JSON, so operators can read the history with jq, through
 * Quorate's one JSON codec ({@link Json}). {@link #decode} throws {@link IllegalArgumentException}
 * naming what is wrong. The form behind {@link FenceRecord#toJson()}: the history file and the
 * ZooKeeper history share it.
 */
public final class FenceRecordJson {
  private FenceRecordJson() {}

  /**
   * Encodes a record as one line of JSON, without a line break.
   *
   * @param r the record
   * @return the JSON object
   */
  public static String encode(FenceRecord r) {
    return Json.write(
        object(
            "requestedAt", r.requestedAt().toString(),
            "finishedAt", r.finishedAt().toString(),
            "requester", r.requester(),
            "target", r.target(),
            "action", r.action().protocolName(),
            "level", r.level(),
            "devices", r.devices(),
            "status", r.status().name(),
            "reason", r.reason().name(),
            "explanation", r.explanation()));
  }

  /**
   * Decodes one JSON object written by {@link #encode}.
   *
   * @param line the JSON object
   * @return the record
   * @throws IllegalArgumentException if the text is not a fence record; the message says what is
   *     wrong and where
   */
  public static FenceRecord decode(String line) {
    if (!(Json.parse(line) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("not a JSON object: " + line);
    }
    try {
      return new FenceRecord(
          Instant.parse(str(m, "requestedAt")),
          Instant.parse(str(m, "finishedAt")),
          str(m, "requester"),
          str(m, "target"),
          FenceAction.fromProtocolName(str(m, "action")),
          level(m),
          strings(m, "devices"),
          FenceResult.Status.valueOf(str(m, "status")),
          FenceReason.valueOf(str(m, "reason")),
          str(m, "explanation"));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static int level(Map<?, ?> m) {
    if (!(m.get("level") instanceof Long level)
        || level < Integer.MIN_VALUE
        || level > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "field 'level' is missing or not an integer: " + m.get("level"));
    }
    return level.intValue();
  }

  private static String str(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("field '" + key + "' is missing or not a string");
    }
    return s;
  }

  private static List<String> strings(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException("field '" + key + "' is missing or not an array");
    }
    List<String> out = new ArrayList<>();
    for (Object e : list) {
      if (!(e instanceof String s)) {
        throw new IllegalArgumentException("field '" + key + "' holds " + e + ", not a string");
      }
      out.add(s);
    }
    return out;
  }
}
