package dev.quorate.lock.metrics;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.Mechanism;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one measured manager, and the grant times of its leases. A lease's end may be heard
 * (on the manager's event thread) before its grant is noted (on the caller's thread): both sides go
 * through one atomic {@code compute} per lease, so every hold is recorded once.
 */
final class LockMeters {
  private final MeterRegistry registry;
  private final String mechanism;

  /** A lease's grant time (Long), or how it ended (String) if that was heard first. */
  private final Map<Lease, Object> grantedAt = new ConcurrentHashMap<>();

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

  /** Records a grant of {@code lease}, requested at {@code start}. */
  void granted(LockMode mode, long start, Lease lease) {
    waited(mode, start, "granted");
    long at = now();
    grantedAt.compute(
        lease,
        (l, seen) -> {
          if (seen == null) {
            return at;
          }
          hold(mode, (String) seen, 0); // ended before the caller had it
          return null;
        });
  }

  private void waited(LockMode mode, long start, String outcome) {
    Timer.builder("quorate.lock.wait")
        .description("time from a lock request to its answer")
        .tags("mechanism", mechanism, "mode", mode.name(), "outcome", outcome)
        .register(registry)
        .record(now() - start, TimeUnit.NANOSECONDS);
  }

  /** Hears every transition of every lease of the measured locks. */
  void transition(LeaseEvent event) {
    Counter.builder("quorate.lock.transitions")
        .description("lease state transitions")
        .tags("mechanism", mechanism, "from", lower(event.from()), "to", lower(event.to()))
        .register(registry)
        .increment();
    if (event.to().isFinal() && !event.from().isFinal()) {
      long at = now();
      String end = lower(event.to());
      grantedAt.compute(
          event.lease(),
          (lease, start) -> {
            if (start == null) {
              return end; // the caller's side records it when it notes the grant
            }
            hold(lease.mode(), end, at - (Long) start);
            return null;
          });
    }
  }

  void revoked() {
    revocations.increment();
  }

  private void hold(LockMode mode, String end, long nanos) {
    Timer.builder("quorate.lock.hold")
        .description("time from a grant to the end of its lease")
        .tags("mechanism", mechanism, "mode", mode.name(), "end", end)
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
