package dev.quorate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results as JSON ({@code --json FILE}): the run's context and one object per measurement, for
 * scripts that compare runs. Written to a temporary file and moved into place, so a reader never
 * sees half a report.
 */
final class JsonReport {
  private final StringBuilder out = new StringBuilder();

  JsonReport(Map<String, String> context) {
    out.append("{\n");
    context.forEach(
        (key, value) ->
            out.append("  ").append(string(key)).append(": ").append(string(value)).append(",\n"));
    out.append("  \"results\": [");
  }

  private boolean first = true;

  /** Adds one measurement: its identifying strings, then its numbers. */
  JsonReport add(Map<String, String> names, Map<String, Double> numbers) {
    out.append(first ? "\n" : ",\n").append("    {");
    first = false;
    StringBuilder fields = new StringBuilder();
    names.forEach(
        (key, value) -> fields.append(", ").append(string(key)).append(": ").append(string(value)));
    numbers.forEach(
        (key, value) -> fields.append(", ").append(string(key)).append(": ").append(number(value)));
    out.append(fields.substring(2)).append("}");
    return this;
  }

  void addAll(List<ScalePoint> points) {
    for (ScalePoint point : points) {
      Map<String, Double> numbers = new java.util.LinkedHashMap<>();
      numbers.put("size", (double) point.size());
      numbers.put("opsPerSecond", point.opsPerSecond());
      numbers.put("p99Millis", point.p99Millis());
      numbers.putAll(point.figures());
      add(Map.of("workload", point.workload(), "library", point.library()), numbers);
    }
  }

  void write(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path temporary = Files.createTempFile(absolute.getParent(), ".bench-", ".json");
    Files.writeString(temporary, out + "\n  ]\n}\n");
    Files.move(
        temporary,
        absolute,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static String string(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  /** JSON has no NaN or infinity: a figure not measured is null. */
  static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "null";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.4g", value);
  }
}
