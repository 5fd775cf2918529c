/**
 * Micrometer meters for the quorum disk ({@link dev.quorate.qdisk.metrics.QuorumDiskMetrics}): the
 * meters the daemon's {@code /metrics} serves. Micrometer is an optional dependency: only this
 * package needs it at run time.
 */
package dev.quorate.qdisk.metrics;
