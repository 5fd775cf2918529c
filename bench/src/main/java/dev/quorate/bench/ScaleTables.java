package dev.quorate.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scale workloads' Markdown: one table per workload (every figure, each size and library), the
 * ratios to Curator against their targets, and the cost-growth table (a figure at each size, and
 * the exponent of N between the smallest and the largest size: 0 when the cost does not grow, 1
 * when it grows in proportion to N).
 */
final class ScaleTables {
  /** A ratio to Curator and its target. */
  private record Ratio(
      String workload, String figure, boolean higherIsBetter, double target, String label) {}

  private static final List<Ratio> RATIOS =
      List.of(
          new Ratio(
              Failover.TITLE, "expiry to all granted ms", false, 1.0, "Curator's time / Quorate's"),
          new Ratio(
              FirstAcquisition.TITLE, "acquisitions/s", true, 1.25, "Quorate's rate / Curator's"),
          new Ratio(HeapPerLock.TITLE, "KB per held lease", false, 1.0, "Curator's / Quorate's"),
          new Ratio(
              HeapPerLock.TITLE, "KB per waiting request", false, 1.0, "Curator's / Quorate's"));

  /** Which figures show cost growth, per workload. */
  private static final Map<String, List<String>> GROWTH =
      Map.of(
          Failover.TITLE, List.of("expiry to all granted ms", "ZK requests per lock"),
          FirstAcquisition.TITLE, List.of("p50 ms", "ZK requests per acquisition"),
          HeapPerLock.TITLE, List.of("KB per held lease", "KB per waiting request"),
          MembershipScale.TITLE, List.of("departure seen by all ms", "ZK requests per departure"),
          QuorumDiskScale.TITLE,
              List.of(
                  "KiB per node per interval",
                  "CPU ms per node per interval",
                  "heap KiB allocated per node per interval",
                  "detection max ms"));

  private ScaleTables() {}

  static String render(List<ScalePoint> points) {
    StringBuilder out = new StringBuilder();
    ScaleBench.byWorkload(points).forEach((workload, rows) -> table(out, workload, rows));
    growth(out, points);
    return out.toString();
  }

  private static void table(StringBuilder out, String workload, List<ScalePoint> rows) {
    Set<String> columns = new LinkedHashSet<>();
    rows.forEach(row -> columns.addAll(row.figures().keySet()));
    out.append("\n### ").append(workload).append("\n\n| N | library | ");
    out.append(String.join(" | ", columns)).append(" |\n|---|---|");
    out.append("---|".repeat(columns.size())).append('\n');
    for (ScalePoint row : rows) {
      out.append("| ").append(row.size()).append(" | ").append(row.library()).append(" |");
      for (String column : columns) {
        out.append(' ').append(format(row.figure(column))).append(" |");
      }
      out.append('\n');
    }
    for (Ratio ratio : RATIOS) {
      if (!ratio.workload.equals(workload)) {
        continue;
      }
      out.append('\n');
      for (ScalePoint quorate : rows) {
        find(rows, "Curator", quorate.size())
            .filter(curator -> quorate.library().equals("Quorate"))
            .ifPresent(curator -> out.append(ratioLine(ratio, quorate, curator)));
      }
    }
  }

  private static String ratioLine(Ratio ratio, ScalePoint quorate, ScalePoint curator) {
    double ours = quorate.figure(ratio.figure);
    double theirs = curator.figure(ratio.figure);
    double value = ratio.higherIsBetter ? ours / theirs : theirs / ours;
    return String.format(
        Locale.ROOT,
        "- N = %d, %s (%s): %.2fx, target >= %.2fx: %s%n",
        quorate.size(),
        ratio.figure,
        ratio.label,
        value,
        ratio.target,
        value >= ratio.target ? "met" : "**missed**");
  }

  private static Optional<ScalePoint> find(List<ScalePoint> rows, String library, int size) {
    return rows.stream()
        .filter(row -> row.library().equals(library) && row.size() == size)
        .findFirst();
  }

  private static void growth(StringBuilder out, List<ScalePoint> points) {
    out.append("\n### How cost grows with N\n\n")
        .append("| workload | library | figure | at each N | growth (exponent of N) |\n")
        .append("|---|---|---|---|---|\n");
    ScaleBench.byWorkload(points)
        .forEach(
            (workload, rows) -> {
              Set<String> libraries = new LinkedHashSet<>();
              rows.forEach(row -> libraries.add(row.library()));
              for (String library : libraries) {
                List<ScalePoint> mine =
                    rows.stream().filter(row -> row.library().equals(library)).toList();
                for (String figure : GROWTH.getOrDefault(workload, List.of())) {
                  if (mine.stream().allMatch(row -> Double.isNaN(row.figure(figure)))) {
                    continue; // a figure this library has none of (the raw node never waits)
                  }
                  out.append(growthRow(workload, library, figure, mine));
                }
              }
            });
  }

  private static String growthRow(
      String workload, String library, String figure, List<ScalePoint> rows) {
    List<String> cells = new ArrayList<>();
    for (ScalePoint row : rows) {
      cells.add("N=" + row.size() + ": " + format(row.figure(figure)));
    }
    String exponent = "";
    if (rows.size() >= 2) {
      ScalePoint small = rows.get(0);
      ScalePoint large = rows.get(rows.size() - 1);
      double slope =
          Math.log(large.figure(figure) / small.figure(figure))
              / Math.log(large.size() / (double) small.size());
      exponent = Double.isFinite(slope) ? String.format(Locale.ROOT, "N^%.2f", slope) : "";
    }
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s |%n",
        workload,
        library,
        figure,
        String.join(", ", cells),
        exponent);
  }

  static String format(double value) {
    if (Double.isNaN(value)) {
      return "";
    }
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
