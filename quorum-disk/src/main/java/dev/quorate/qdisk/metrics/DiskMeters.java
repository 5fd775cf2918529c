package dev.quorate.qdisk.metrics;

import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.QuorumDisk;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** The meters of one disk of a quorum disk, read from its {@link DiskHealth}. */
final class DiskMeters {
  private final MeterRegistry registry;
  private final QuorumDisk qdisk;
  private final String disk;

  DiskMeters(MeterRegistry registry, QuorumDisk qdisk, String disk) {
    this.registry = registry;
    this.qdisk = qdisk;
    this.disk = disk;
  }

  void register() {
    gauge(
        "qdisk.disk.up",
        "1 if the last heartbeat renewed on the disk, else 0",
        null,
        d -> d.state() == DiskHealth.State.HEALTHY ? 1 : 0);
    count("qdisk.disk.renewals", "heartbeats that renewed on the disk", DiskHealth::renewals);
    count("qdisk.disk.failures", "heartbeats that failed on the disk", DiskHealth::failures);
    gauge(
        "qdisk.disk.consecutive.failures",
        "failed heartbeats since the disk last renewed",
        null,
        DiskHealth::consecutiveFailures);
    // The engine times with System.nanoTime, as the registry's clock does unless a test sets one.
    gauge(
        "qdisk.disk.last.success.age",
        "seconds since the disk last renewed (NaN before its first renewal)",
        "seconds",
        d ->
            d.lastSuccessNanos().isPresent()
                ? (now() - d.lastSuccessNanos().getAsLong()) / 1e9
                : Double.NaN);
    gauge(
        "qdisk.disk.io.latency",
        "the last heartbeat's I/O time on the disk",
        "seconds",
        d -> d.lastLatency().toNanos() / 1e9);
  }

  private long now() {
    return registry.config().clock().monotonicTime();
  }

  private Optional<DiskHealth> health(QuorumDisk q) {
    return q.status().disks().stream().filter(d -> d.name().equals(disk)).findFirst();
  }

  private void gauge(String name, String help, String unit, ToDoubleFunction<DiskHealth> value) {
    Gauge.builder(name, qdisk, q -> health(q).map(value::applyAsDouble).orElse(Double.NaN))
        .description(help)
        .baseUnit(unit)
        .tag("disk", disk)
        .strongReference(true)
        .register(registry);
  }

  private void count(String name, String help, ToDoubleFunction<DiskHealth> value) {
    FunctionCounter.builder(name, qdisk, q -> health(q).map(value::applyAsDouble).orElse(0.0))
        .description(help)
        .tag("disk", disk)
        .register(registry);
  }
}
