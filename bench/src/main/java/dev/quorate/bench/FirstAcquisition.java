package dev.quorate.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One member takes N locks that never existed, one after the other, and keeps them (a host starting
 * N VMs): each first acquisition must also create the lock's parent container.
 */
final class FirstAcquisition {
  static final String TITLE = "first acquisition of N new locks";

  private FirstAcquisition() {}

  static ScalePoint run(BenchCluster cluster, BulkMember.Library library, int n, String run)
      throws Exception {
    try (BulkMember member =
        library.newMember(cluster, cluster.follower(), Duration.ofSeconds(10))) {
      long[] latencies = new long[n];
      long requestsBefore = cluster.requestsReceived();
      long began = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        member.hold("first-" + run + "-" + n + "-" + i);
        latencies[i] = System.nanoTime() - start;
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      long requests = cluster.requestsReceived() - requestsBefore;
      member.releaseAll();
      Arrays.sort(latencies);
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("acquisitions/s", n / seconds);
      figures.put("p50 ms", ScalePoint.percentileMillis(latencies, 0.50));
      figures.put("p99 ms", ScalePoint.percentileMillis(latencies, 0.99));
      figures.put("ZK requests per acquisition", requests / (double) n);
      return new ScalePoint(
          TITLE,
          library.name(),
          n,
          n / seconds,
          ScalePoint.percentileMillis(latencies, 0.99),
          figures);
    }
  }
}
