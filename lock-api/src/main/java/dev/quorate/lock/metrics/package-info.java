/**
 * Micrometer meters for lock managers ({@link dev.quorate.lock.metrics.LockMetrics}) and the quorum
 * service ({@link dev.quorate.lock.metrics.QuorumMetrics}). Micrometer is an optional dependency:
 * these classes need {@code io.micrometer:micrometer-core} at run time, nothing else in Quorate
 * does. docs/operations.md lists every meter of every module.
 */
package dev.quorate.lock.metrics;
