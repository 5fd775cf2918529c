/**
 * Micrometer meters for the fence guard ({@link dev.quorate.fence.metrics.FenceMetrics}).
 * Micrometer is an optional dependency: only this package needs it at run time.
 */
package dev.quorate.fence.metrics;
