package dev.quorate.zk;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.metrics.LockMetrics;
import dev.quorate.zk.internal.ZkLockService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;

/**
 * Measures a {@link ZkLockManager} into a Micrometer {@link MeterRegistry}: every meter of {@link
 * LockMetrics}, plus {@code quorate_lock_cached_grants_total} (counter, tagged {@code mechanism}):
 * grants a cohort served from a lock node its member already held, without any ZooKeeper call
 * (cohorting on; see {@link ZkLockManagerBuilder#cohorting}). Micrometer is an optional dependency:
 * add {@code io.micrometer:micrometer-core} to use this class.
 *
 * <pre>{@code
 * LockManager measured = ZkLockMetrics.instrument(manager, registry);
 * }</pre>
 */
public final class ZkLockMetrics {
  private ZkLockMetrics() {}

  /**
   * Returns {@code manager} measured into {@code registry}, as {@link LockMetrics#instrument}, with
   * the cached-grant counter. {@link ZkLockManager#acquireAll} is not on the returned manager: call
   * it on {@code manager} (its requests are then not measured).
   *
   * @param manager the manager to measure
   * @param registry where the meters go
   * @return a manager that behaves as {@code manager} and records as it goes
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code manager} was not built by {@link
   *     ZkLockManager#builder()}
   */
  public static LockManager instrument(ZkLockManager manager, MeterRegistry registry) {
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(registry, "registry");
    if (!(manager instanceof ZkLockService service)) {
      throw new IllegalArgumentException(
          "not a manager built by ZkLockManager.builder(): " + manager.getClass().getName());
    }
    Counter cached =
        Counter.builder("quorate.lock.cached.grants")
            .description("grants served from a lock node the member already held")
            .tag("mechanism", manager.mechanism().kind().name().toLowerCase(Locale.ROOT))
            .register(registry);
    service.onCachedGrant(cached::increment);
    return LockMetrics.instrument(manager, registry);
  }
}
