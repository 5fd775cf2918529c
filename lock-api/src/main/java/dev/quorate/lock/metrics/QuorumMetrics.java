package dev.quorate.lock.metrics;

import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumListener;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.QuorumState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Measures a {@link QuorumService} into a Micrometer {@link MeterRegistry}: the current quorum
 * state as gauges and every change as a counter, through the service's own {@link QuorumListener}.
 *
 * <pre>{@code
 * QuorumMetrics.bind(quorum, registry);
 * }</pre>
 *
 * <p>Meters (Prometheus names):
 *
 * <ul>
 *   <li>{@code quorate_quorum_quorate} (gauge): 1 while this partition has quorum, else 0.
 *   <li>{@code quorate_quorum_votes} (gauge): the votes present (members' and vote sources').
 *   <li>{@code quorate_quorum_expected_votes} (gauge): the expected votes.
 *   <li>{@code quorate_quorum_threshold} (gauge): the votes needed for quorum.
 *   <li>{@code quorate_quorum_members} (gauge): the members present in this partition.
 *   <li>{@code quorate_quorum_changes_total} (counter; {@code quorate} = {@code true} or {@code
 *       false} after the change, {@code reason} = the {@link dev.quorate.quorum.QuorumReason} in
 *       lower case): quorum state changes.
 * </ul>
 *
 * <p>One service per registry: a process has one quorum view.
 */
public final class QuorumMetrics {
  private QuorumMetrics() {}

  /**
   * Binds {@code service}'s state and changes to {@code registry}. The gauges read the service
   * while it lives; closing it leaves them at its last state.
   *
   * @param service the quorum service
   * @param registry where the meters go
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if a quorum service is bound to {@code registry} already
   */
  public static void bind(QuorumService service, MeterRegistry registry) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(registry, "registry");
    if (registry.find("quorate.quorum.votes").gauge() != null) {
      throw new IllegalStateException(
          "a quorum service is bound to this registry already; a process has one quorum view");
    }
    gauge(registry, service, "quorate.quorum.quorate", "1 while quorate", s -> s.quorate() ? 1 : 0);
    gauge(registry, service, "quorate.quorum.votes", "votes present", QuorumState::votes);
    gauge(
        registry,
        service,
        "quorate.quorum.expected.votes",
        "expected votes",
        s -> s.expectedVotes());
    gauge(registry, service, "quorate.quorum.threshold", "votes needed", QuorumState::threshold);
    gauge(registry, service, "quorate.quorum.members", "members present", s -> s.members().size());
    service.addListener(
        (QuorumEvent event) ->
            Counter.builder("quorate.quorum.changes")
                .description("quorum state changes")
                .tags(
                    "quorate",
                    Boolean.toString(event.current().quorate()),
                    "reason",
                    event.current().reason().name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment());
  }

  private static void gauge(
      MeterRegistry registry,
      QuorumService service,
      String name,
      String description,
      ToDoubleFunction<QuorumState> value) {
    Gauge.builder(name, service, s -> value.applyAsDouble(s.state()))
        .description(description)
        .strongReference(true)
        .register(registry);
  }
}
