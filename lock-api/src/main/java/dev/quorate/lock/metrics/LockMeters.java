package dev.quorate.lock.metrics;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.Mechanism;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** The meters of one measured manager. */
final class LockMeters {
  private final MeterRegistry registry;
  private final String mechanism;

  private final Counter revocations;

  LockMeters(MeterRegistry registry, Mechanism mechanism) {
    this.registry = registry;
    this.mechanism = lower(mechanism.kind());
    this.revocations =
        Counter.builder("quorate.lock.revocations")
            .description("leases revoked by an administrator through this manager")
            .tag("mechanism", this.mechanism)
            .register(registry);
  }

  long now() {
    return registry.config().clock().monotonicTime();
  }

  /** Records a request for {@code mode}, started at {@code start}, that got no lease. */
  void refused(LockMode mode, long start, String outcome) {
    waited(mode, start, outcome);
  }

  /**
   * Records a grant of {@code lease}, requested at {@code start}, and listens to the lease from now
   * on. A lease that ended before the listener was added is seen ended by the state check after
   * adding it; only {@link HeldLease} records its end, once.
   */
  void granted(LockMode mode, long start, Lease lease) {
    waited(mode, start, "granted");
    HeldLease held = new HeldLease(this, now());
    lease.addListener(held);
    LeaseState now = lease.state();
    if (now.isFinal()) {
      held.ended(lease, now);
    }
  }

  private void waited(LockMode mode, long start, String outcome) {
    Timer.builder("quorate.lock.wait")
        .description("time from a lock request to its answer")
        .tags("mechanism", mechanism, "mode", mode.name(), "outcome", outcome)
        .register(registry)
        .record(now() - start, TimeUnit.NANOSECONDS);
  }

  /** Counts one transition of a measured lease. */
  void transition(LeaseEvent event) {
    Counter.builder("quorate.lock.transitions")
        .description("lease state transitions")
        .tags("mechanism", mechanism, "from", lower(event.from()), "to", lower(event.to()))
        .register(registry)
        .increment();
  }

  void revoked() {
    revocations.increment();
  }

  /** Records how long a lease was held, by its mode at the end and how it ended. */
  void hold(LockMode mode, LeaseState end, long nanos) {
    Timer.builder("quorate.lock.hold")
        .description("time from a grant to the end of its lease")
        .tags("mechanism", mechanism, "mode", mode.name(), "end", lower(end))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The {@code outcome} tag of a failed request. */
  static String outcome(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof LockTimeoutException) {
      return "timeout";
    }
    if (cause instanceof InterruptedException) {
      return "interrupted";
    }
    if (cause instanceof CancellationException) {
      return "cancelled";
    }
    return "failed";
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
