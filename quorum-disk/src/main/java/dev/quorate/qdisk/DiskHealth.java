package dev.quorate.qdisk;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One disk as the local node last used it: whether it renews now, since when it fails, and how
 * often it did. The engine logs one line when a disk's {@link State} changes (not one per failed
 * heartbeat); the daemon shows it in {@code /status} and {@code /metrics}.
 *
 * <pre>{@code
 * boolean degraded = status.disks().stream().anyMatch(d -> d.state() != DiskHealth.State.HEALTHY);
 * }</pre>
 *
 * @param name the device name
 * @param state the disk's state after the last heartbeat
 * @param renewed whether the last heartbeat was written, read back and verified in time, and the
 *     node's mailbox on it was read
 * @param lastLatency how long the last heartbeat's I/O took on this disk
 * @param renewals heartbeats that renewed on this disk since start
 * @param failures heartbeats that failed on this disk since start
 * @param consecutiveFailures heartbeats that failed on this disk since its last renewal
 * @param lastSuccessNanos when the disk last renewed, on the engine's clock ({@link
 *     System#nanoTime()} unless a test clock was given); empty if it never did
 * @param lastError the last failure's message, empty if none
 */
public record DiskHealth(
    String name,
    State state,
    boolean renewed,
    Duration lastLatency,
    long renewals,
    long failures,
    long consecutiveFailures,
    OptionalLong lastSuccessNanos,
    String lastError) {

  /** A disk's state, as the local node's heartbeats find it. */
  public enum State {
    /** No heartbeat has run on it yet. */
    UNKNOWN,
    /** The last heartbeat renewed on it. */
    HEALTHY,
    /** The last heartbeat failed on it: I/O error, timeout, lost or torn write, bad header. */
    FAILING
  }

  /**
   * Validates.
   *
   * @param name the device name
   * @param state the state
   * @param renewed whether the last heartbeat renewed
   * @param lastLatency the last latency
   * @param renewals renewals since start
   * @param failures failures since start
   * @param consecutiveFailures failures since the last renewal
   * @param lastSuccessNanos when it last renewed
   * @param lastError the last error
   */
  public DiskHealth {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastLatency, "lastLatency");
    Objects.requireNonNull(lastSuccessNanos, "lastSuccessNanos");
    Objects.requireNonNull(lastError, "lastError");
  }
}
