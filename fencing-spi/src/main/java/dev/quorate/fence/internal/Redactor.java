package dev.quorate.fence.internal;

import dev.quorate.fence.Secret;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces every secret value in text with {@code ***}. Agent output passes through here before it
 * reaches a log line, an outcome or an exception, because agents echo their input: fence-agents
 * programs print "Ignoring unknown option 'password=...'" to stderr, value included.
 */
final class Redactor {
  static final String MASK = "***";

  private final List<String> values;

  Redactor(Collection<Secret> secrets) {
    // Longest first, so a secret that contains another is masked whole.
    this.values =
        secrets.stream()
            .map(Secret::reveal)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  String redact(String text) {
    String out = text;
    for (String value : values) {
      out = out.replace(value, MASK);
    }
    return out;
  }
}
