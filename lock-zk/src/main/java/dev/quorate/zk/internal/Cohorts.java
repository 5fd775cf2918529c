package dev.quorate.zk.internal;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Cohort}s of a cohorting manager: one per resource that has local EX requests, retired
 * from the map when idle (remembering a resource that had stopped caching).
 */
final class Cohorts {
  private final ZkLockService service;
  private final int localHandoffBound;
  private final Map<String, Cohort> cohorts = new ConcurrentHashMap<>();
  private final NotCaching notCaching = new NotCaching();
  private final AtomicInteger mostHandoffsWhileContended = new AtomicInteger();

  Cohorts(ZkLockService service, int localHandoffBound) {
    this.service = service;
    this.localHandoffBound = localHandoffBound;
  }

  /**
   * Serves a request from the resource's cohort, if it is one for a cohort: EX, without a blocking
   * callback of its own (the callback is per node) or a recovery gate (its holder record is per
   * node, and a cached grant would outlive it). Listeners from the options go to the local grant,
   * which hears every transition from then on.
   *
   * @return the local grant's future; empty if the request must have a node of its own
   */
  Optional<CompletableFuture<Lease>> request(
      String resource, LockMode mode, LockOptions options, Duration timeout) {
    if (mode != LockMode.EX
        || options.blockingCallback().isPresent()
        || options.recoveryGate().isPresent()) {
      return Optional.empty();
    }
    boolean tryOnce = timeout != null && timeout.isZero();
    CohortAnswer answer;
    do {
      answer = cohort(resource).request(tryOnce, options.listeners());
    } while (answer instanceof CohortAnswer.Retired);
    if (!(answer instanceof CohortAnswer.Local local)) {
      return Optional.empty();
    }
    CompletableFuture<Lease> lease = local.lease();
    if (timeout != null && !tryOnce) {
      service
          .timer()
          .afterTimeout(
              timeout,
              lease,
              () -> lease.completeExceptionally(new LockTimeoutException(resource, mode, timeout)));
    }
    return Optional.of(lease);
  }

  private Cohort cohort(String resource) {
    return cohorts.computeIfAbsent(
        resource,
        name -> new Cohort(service, this, name, localHandoffBound, notCaching.take(name)));
  }

  /** Notes how many local grants a cohort made after another member asked; for tests. */
  void handedOffWhileContended(int handoffs) {
    mostHandoffsWhileContended.accumulateAndGet(handoffs, Math::max);
  }

  /** The most local grants any cohort made under one node after another member asked for it. */
  int mostHandoffsWhileContended() {
    return mostHandoffsWhileContended.get();
  }

  /** Takes an idle cohort out of the map; the next request makes a new one. */
  void retire(String resource, Cohort cohort, NotCaching.Since notCachingSince) {
    if (notCachingSince != null) {
      notCaching.put(resource, notCachingSince);
    }
    cohorts.remove(resource, cohort);
  }

  /** Fails every local request still waiting. */
  void close() {
    cohorts.values().forEach(Cohort::close);
  }
}
