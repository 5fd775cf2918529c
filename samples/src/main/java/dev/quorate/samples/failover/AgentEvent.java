package dev.quorate.samples.failover;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line a host's cluster manager prints for the demo: {@code @ kind key=value ... | text}. Keys
 * and values have no spaces; the text after {@code |} is the sentence the demo shows.
 *
 * @param kind what happened, such as {@code quorum} or {@code fence}
 * @param fields machine-readable details
 * @param text the human-readable sentence
 */
record AgentEvent(String kind, Map<String, String> fields, String text) {
  private static final String PREFIX = "@ ";

  AgentEvent {
    fields = Map.copyOf(fields);
  }

  /** Reads a line; empty if it is not an event line. */
  static Optional<AgentEvent> parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int bar = line.indexOf(" | ");
    String head = bar < 0 ? line.substring(PREFIX.length()) : line.substring(PREFIX.length(), bar);
    String text = bar < 0 ? "" : line.substring(bar + 3);
    String[] words = head.trim().split(" +");
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq > 0) {
        fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
      }
    }
    return Optional.of(new AgentEvent(words[0], fields, text));
  }

  /** Returns a field, or "" if absent. */
  String get(String key) {
    return fields.getOrDefault(key, "");
  }

  /** Formats the event as one line; values must not contain spaces. */
  static String format(String kind, String text, String... keyValues) {
    StringBuilder line = new StringBuilder(PREFIX).append(kind);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      String value = keyValues[i + 1].replace(' ', '_');
      line.append(' ').append(keyValues[i]).append('=').append(value);
    }
    return line.append(" | ").append(text.replace('\n', ' ')).toString();
  }
}
