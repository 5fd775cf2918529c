package dev.quorate.qdisk;

import dev.quorate.lock.MonotonicClock;

/**
 * One peer as the local node sees it.
 *
 * <pre>{@code
 * status.nodes().forEach(n -> log.info("node {} {} misses {}", n.nodeId(), n.liveness(), n.misses()));
 * }</pre>
 *
 * @param nodeId the peer's node id
 * @param liveness the local verdict
 * @param state what the peer last wrote about itself
 * @param incarnation the peer's last seen incarnation
 * @param sequence the peer's last seen sequence
 * @param misses heartbeats in a row without a change
 * @param totalMisses heartbeats without a change since start
 * @param corruptReads reads of the peer's slot that failed their checks (torn, bad CRC) on every
 *     disk; counted as misses, never as a state
 * @param undeadWrites writes seen after the peer was declared DOWN in the same incarnation
 * @param evicted whether an eviction was delivered for its current incarnation
 * @param lastProgressNanos when, on the observer's {@link MonotonicClock}, the peer's sequence or
 *     incarnation was last seen to rise; empty if never since the observer started (a first sight
 *     is a baseline, not a sign of life)
 */
public record NodeStatus(
    int nodeId,
    NodeLiveness liveness,
    SlotState state,
    long incarnation,
    long sequence,
    int misses,
    long totalMisses,
    long corruptReads,
    long undeadWrites,
    boolean evicted,
    java.util.OptionalLong lastProgressNanos) {}
