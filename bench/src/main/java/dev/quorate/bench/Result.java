package dev.quorate.bench;

/**
 * Medians over the measured windows of one workload run by one library.
 *
 * @param opsPerSecond median throughput of the windows
 * @param p50Millis median of the windows' median latency
 * @param p99Millis median of the windows' 99th percentile latency
 * @param windowOps throughput of each measured window, in order
 * @param errors cycles that failed (not granted in time, ZooKeeper errors)
 * @param violations times a holder found another holder inside the guard
 * @param requestsPerCycle ZooKeeper requests the clients' server received per completed cycle, over
 *     the measured windows (session pings included)
 * @param windowRequestsPerCycle the same for each measured window, in order
 * @param windowShares who held the lock in each measured window, in order
 */
record Result(
    double opsPerSecond,
    double p50Millis,
    double p99Millis,
    double[] windowOps,
    long errors,
    long violations,
    double requestsPerCycle,
    double[] windowRequestsPerCycle,
    Turns.Shares[] windowShares) {
  /** The most consecutive grants of one lock to one member in any measured window. */
  long longestRun() {
    return java.util.Arrays.stream(windowShares)
        .mapToLong(Turns.Shares::longestRun)
        .max()
        .orElse(0);
  }

  /** The numbers as the JSON report names them. */
  java.util.Map<String, Double> figures() {
    java.util.Map<String, Double> figures = new java.util.LinkedHashMap<>();
    figures.put("opsPerSecond", opsPerSecond);
    figures.put("p50Millis", p50Millis);
    figures.put("p99Millis", p99Millis);
    figures.put("requestsPerCycle", requestsPerCycle);
    figures.put("errors", (double) errors);
    figures.put("violations", (double) violations);
    figures.put("longestRun", (double) longestRun());
    return figures;
  }
}
