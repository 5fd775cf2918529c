package dev.quorate.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measurement of a scale workload: one library at one size.
 *
 * @param workload the workload's title
 * @param library who ran it
 * @param size N: locks, members or nodes
 * @param opsPerSecond locks (or members, nodes) served per second, for the plot; NaN if none
 * @param p99Millis the 99th percentile of the per-item latency, for the plot; NaN if none
 * @param figures every figure measured, by a name that carries its unit, in print order
 */
record ScalePoint(
    String workload,
    String library,
    int size,
    double opsPerSecond,
    double p99Millis,
    Map<String, Double> figures) {
  ScalePoint {
    figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }

  /** A figure by name, or NaN if this point has none of that name. */
  double figure(String name) {
    return figures.getOrDefault(name, Double.NaN);
  }

  /** Sorted latencies' percentile in milliseconds, or NaN if there are none. */
  static double percentileMillis(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, index)] / 1e6;
  }
}
