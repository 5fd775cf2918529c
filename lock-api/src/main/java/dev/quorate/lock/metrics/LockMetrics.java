package dev.quorate.lock.metrics;

import dev.quorate.lock.LockManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Measures a {@link LockManager} into a Micrometer {@link MeterRegistry}: how long requests wait
 * and with what outcome, how long leases are held, every state transition, and revocations. The
 * decorator observes through the public API (a {@link dev.quorate.lock.LeaseListener} added to each
 * lease as it is granted); the manager and its options are unchanged. Micrometer is an optional
 * dependency of Quorate: add {@code io.micrometer:micrometer-core} to use this class.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * LockManager manager = LockMetrics.instrument(LockManager.inProcess(), registry);
 * }</pre>
 *
 * <p>Meters (Prometheus names; every one tagged {@code mechanism}, the manager's {@link
 * dev.quorate.lock.Mechanism.Kind} in lower case; never the resource name, whose values are
 * unbounded):
 *
 * <ul>
 *   <li>{@code quorate_lock_wait_seconds} (timer; {@code mode}, {@code outcome} = {@code granted},
 *       {@code timeout}, {@code interrupted}, {@code cancelled} or {@code failed}): from request to
 *       answer. Its {@code _count} with {@code outcome="granted"} counts grants.
 *   <li>{@code quorate_lock_hold_seconds} (timer; {@code mode} at the end, {@code end} = {@code
 *       released} or {@code lost}): from grant to the end of the lease.
 *   <li>{@code quorate_lock_transitions_total} (counter; {@code from}, {@code to}): lease state
 *       transitions, such as GRANTED to SUSPECT and SUSPECT to LOST (heard from just after the
 *       grant: one in that instant is not counted, though the lease's end always is).
 *   <li>{@code quorate_lock_revocations_total} (counter): revocations made through this manager.
 * </ul>
 *
 * <p>Managers of one mechanism bound to one registry add up into the same series.
 */
public final class LockMetrics {
  private LockMetrics() {}

  /**
   * Returns {@code manager} measured into {@code registry}. Closing the result closes {@code
   * manager}; the meters stay in the registry.
   *
   * @param manager the manager to measure
   * @param registry where the meters go
   * @return a manager that behaves as {@code manager} and records as it goes
   * @throws NullPointerException if an argument is null
   */
  public static LockManager instrument(LockManager manager, MeterRegistry registry) {
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(registry, "registry");
    return new MeasuredManager(manager, new LockMeters(registry, manager.mechanism()));
  }
}
