package dev.quorate.samples.docs;

import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.metrics.FenceMetrics;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.Revocation;
import dev.quorate.lock.metrics.LockMetrics;
import dev.quorate.lock.metrics.QuorumMetrics;
import dev.quorate.quorum.QuorumService;
import dev.quorate.zk.ZkLockManager;
import dev.quorate.zk.ZkLockMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The examples of docs/operations.md; {@code OperationsExamplesTest} runs them. */
final class OperationsExamples {
  private OperationsExamples() {}

  /** What {@link #measureEverything} made: the measured manager and guard, and the scrape. */
  record Measured(LockManager locks, FenceGuard guard, String scrape) {}

  /** Binds a ZooKeeper lock manager, the quorum service and the fence guard to one registry. */
  static Measured measureEverything(
      ZkLockManager zkLocks, QuorumService quorum, FenceGuard topologyGuard) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LockManager locks = ZkLockMetrics.instrument(zkLocks, registry);
    QuorumMetrics.bind(quorum, registry);
    FenceGuard guard = FenceMetrics.instrument(topologyGuard, registry);
    String scrape = registry.scrape(); // serve it at /metrics with the HTTP server you already run
    return new Measured(locks, guard, scrape);
  }

  /** Any manager, measured. */
  static LockManager measureInProcess(PrometheusMeterRegistry registry) {
    LockManager measured = LockMetrics.instrument(LockManager.inProcess(), registry);
    return measured;
  }

  /** Lists the holders of a resource and revokes the first. */
  static Revocation inspectAndRevoke(LockManager locks) {
    LockInspection seen = locks.inspect("volume/7");
    for (LockInspection.Holder holder : seen.holders()) {
      System.out.printf(
          "%s holds %s with token %s since %s%n",
          holder.member(), holder.mode(), holder.token(), holder.since());
    }
    Revocation done =
        locks.revoke("volume/7", seen.holders().get(0).token(), "ops/alice", "holder hung");
    return done;
  }
}
