package dev.quorate.fence.internal;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link FenceRecord} as one line of JSON, so operators can read the history with jq. Only
 * strings, integers and arrays of strings occur, so a small exact codec avoids a JSON dependency.
 * {@link #decode} throws {@link IllegalArgumentException} naming what is wrong. The form behind
 * {@link FenceRecord#toJson()}: the history file and the ZooKeeper history share it.
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
    StringBuilder out = new StringBuilder("{");
    field(out, "requestedAt", r.requestedAt().toString()).append(',');
    field(out, "finishedAt", r.finishedAt().toString()).append(',');
    field(out, "requester", r.requester()).append(',');
    field(out, "target", r.target()).append(',');
    field(out, "action", r.action().protocolName()).append(',');
    out.append("\"level\":").append(r.level()).append(",\"devices\":[");
    for (int i = 0; i < r.devices().size(); i++) {
      string(out.append(i == 0 ? "" : ","), r.devices().get(i));
    }
    out.append("],");
    field(out, "status", r.status().name()).append(',');
    field(out, "reason", r.reason().name()).append(',');
    field(out, "explanation", r.explanation());
    return out.append('}').toString();
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
    Map<String, Object> m = new Parser(line).object();
    try {
      return new FenceRecord(
          Instant.parse(str(m, "requestedAt")),
          Instant.parse(str(m, "finishedAt")),
          str(m, "requester"),
          str(m, "target"),
          FenceAction.fromProtocolName(str(m, "action")),
          Integer.parseInt(str(m, "level")),
          strings(m, "devices"),
          FenceResult.Status.valueOf(str(m, "status")),
          FenceReason.valueOf(str(m, "reason")),
          str(m, "explanation"));
    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("field '" + key + "' is missing or not a scalar");
    }
    return s;
  }

  private static List<String> strings(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException("field '" + key + "' is missing or not an array");
    }
    List<String> out = new ArrayList<>();
    list.forEach(e -> out.add((String) e));
    return out;
  }

  private static StringBuilder field(StringBuilder out, String key, String value) {
    return string(string(out, key).append(':'), value);
  }

  private static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /** Reads one flat object whose values are strings, integers (kept as text) or string arrays. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Map<String, Object> object() {
      Map<String, Object> out = new LinkedHashMap<>();
      expect('{');
      if (peek() != '}') {
        do {
          String key = string();
          expect(':');
          char c = peek();
          Object value = c == '"' ? string() : c == '[' ? array() : number();
          out.put(key, value);
        } while (consume(','));
      }
      expect('}');
      if (pos != s.length()) {
        throw fail("trailing characters after the object");
      }
      return out;
    }

    private List<String> array() {
      List<String> out = new ArrayList<>();
      expect('[');
      if (peek() != ']') {
        do {
          out.add(string());
        } while (consume(','));
      }
      expect(']');
      return out;
    }

    private String number() {
      int start = pos;
      if (pos < s.length() && s.charAt(pos) == '-') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        throw fail("expected a string, an array or an integer");
      }
      return s.substring(start, pos);
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw fail("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (pos >= s.length()) {
          throw fail("unterminated escape");
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw fail("short \\u escape");
            }
            try {
              out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw fail("bad \\u escape");
            }
            pos += 4;
          }
          default -> throw fail("unknown escape \\" + e);
        }
      }
    }

    private char peek() {
      skipSpace();
      if (pos >= s.length()) {
        throw fail("unexpected end of line");
      }
      return s.charAt(pos);
    }

    private boolean consume(char c) {
      if (peek() == c) {
        pos++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!consume(c)) {
        throw fail("expected '" + c + "'");
      }
      skipSpace();
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private IllegalArgumentException fail(String why) {
      return new IllegalArgumentException(why + " at column " + (pos + 1));
    }
  }
}
