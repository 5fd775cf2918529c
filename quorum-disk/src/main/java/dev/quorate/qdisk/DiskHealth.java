package dev.quorate.qdisk;

import java.time.Duration;

/**
 * One disk as the local node last used it.
 *
 * <pre>{@code
 * boolean degraded = status.disks().stream().anyMatch(d -> !d.renewed());
 * }</pre>
 *
 * @param name the device name
 * @param renewed whether the last heartbeat was written, read back and verified in time
 * @param lastLatency how long the last heartbeat's I/O took on this disk
 * @param failures heartbeats that failed on this disk since start
 * @param lastError the last failure's message, empty if none
 */
public record DiskHealth(
    String name, boolean renewed, Duration lastLatency, long failures, String lastError) {}
