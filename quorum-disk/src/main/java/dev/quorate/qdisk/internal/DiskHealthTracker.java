package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.DiskHealth.State;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one disk's renewals and failures and logs one line per change of its state: a disk that
 * fails every heartbeat for an hour is one WARN when it starts and one INFO when it recovers, not
 * thousands of lines (nor none at all, which hid 158 read failures).
 */
final class DiskHealthTracker {
  private static final Logger LOG = LoggerFactory.getLogger(DiskHealthTracker.class);

  private final String name;
  private long renewals;
  private long failures;
  private long consecutive;
  private OptionalLong lastSuccess = OptionalLong.empty();
  private volatile DiskHealth health;

  DiskHealthTracker(String name) {
    this.name = name;
    this.health =
        new DiskHealth(
            name, State.UNKNOWN, false, Duration.ZERO, 0, 0, 0, OptionalLong.empty(), "");
  }

  /** Records a failure found before the first heartbeat, which the caller reports itself. */
  void recordQuietly(String error) {
    failures++;
    consecutive++;
    health = snapshot(false, 0, error);
  }

  /** Records one heartbeat's outcome on the disk, ending at {@code nowNanos}. */
  DiskHealth record(boolean renewed, long latencyNanos, long nowNanos, String error) {
    State before = health.state();
    if (renewed) {
      renewals++;
      lastSuccess = OptionalLong.of(nowNanos);
      if (before == State.FAILING) {
        LOG.info("disk {} renews again after {} failed heartbeats", name, consecutive);
      }
      consecutive = 0;
    } else {
      failures++;
      consecutive++;
      if (before != State.FAILING) {
        LOG.warn(
            "disk {} failing: {} (one line per change of state; see status for the counts)",
            name,
            error);
      }
    }
    health = snapshot(renewed, latencyNanos, error);
    return health;
  }

  private DiskHealth snapshot(boolean renewed, long latencyNanos, String error) {
    return new DiskHealth(
        name,
        renewed ? State.HEALTHY : State.FAILING,
        renewed,
        Duration.ofNanos(latencyNanos),
        renewals,
        failures,
        consecutive,
        lastSuccess,
        error);
  }

  DiskHealth health() {
    return health;
  }
}
