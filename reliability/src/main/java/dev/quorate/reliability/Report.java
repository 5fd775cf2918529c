package dev.quorate.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders a {@link CheckResult} as the text bin/chaos prints and docs/reliability.md quotes. */
final class Report {
  private Report() {}

  /**
   * Appends a control run's settings and report to {@code text}, and a FAIL line when it shows no
   * overlapping write: the faults did not bite.
   *
   * @return whether the control run showed overlapping writes
   */
  static boolean appendControl(StringBuilder text, String settings, CheckResult control) {
    text.append('\n').append(settings).append('\n').append(render("control run", control));
    if (control.overlaps() == 0) {
      text.append("FAIL: the control run shows no overlapping writes: the faults did not bite\n");
      return false;
    }
    return true;
  }

  /** The closing line of a suite: its wall time since {@code startedNanos} and its verdict. */
  static String closing(long startedNanos, boolean passed) {
    return String.format(
        "%nwall time %d s; %s%n",
        Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds(),
        passed ? "PASSED" : "FAILED");
  }

  static String render(String title, CheckResult r) {
    StringBuilder out = new StringBuilder();
    out.append("== ")
        .append(title)
        .append(r.fenced() ? " (fenced)" : " (control, no token check)")
        .append('\n');
    out.append(String.format("acquisitions granted     %d%n", r.grants()));
    out.append(String.format("increments acknowledged  %d%n", r.acknowledged()));
    out.append(String.format("stale writes refused     %d%n", r.staleRefused()));
    out.append(
        String.format(
            "overlapping writes       %d  (accepted behind a newer token)%n", r.overlaps()));
    out.append(
        String.format(
            "%-20s %6s %9s %9s %9s%n", "fault", "count", "no-effect", "p50 ms", "p99 ms"));
    for (Map.Entry<Fault, Integer> e : r.faults().entrySet()) {
      List<Long> times = r.recoveryMillis().getOrDefault(e.getKey(), List.of());
      out.append(
          String.format(
              "%-20s %6d %9d %9s %9s%n",
              e.getKey(),
              e.getValue(),
              r.faultsWithoutEffect().getOrDefault(e.getKey(), 0),
              percentile(times, 50),
              percentile(times, 99)));
    }
    out.append(String.format("violations               %d%n", r.violations().size()));
    for (String v : r.violations().subList(0, Math.min(20, r.violations().size()))) {
      out.append("  VIOLATION ").append(v).append('\n');
    }
    return out.toString();
  }

  /** Nearest-rank percentile, or "-" for no samples. */
  static String percentile(List<Long> samples, int p) {
    if (samples.isEmpty()) {
      return "-";
    }
    List<Long> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return Long.toString(sorted.get(Math.max(0, rank - 1)));
  }
}
