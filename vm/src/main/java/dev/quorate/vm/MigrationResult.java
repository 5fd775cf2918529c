package dev.quorate.vm;

import java.time.Duration;

/**
 * The outcome of a completed live migration, as QEMU measured it.
 *
 * @param downtime how long the guest was stopped at the switch (QMP's {@code downtime})
 * @param totalTime from the start of the migration to its completion (QMP's {@code total-time})
 * @param transferredBytes RAM bytes sent (QMP's {@code ram.transferred})
 * @param elapsed measured here, from the {@code migrate} command to the target's resume (for a
 *     target in another process, {@link QemuGuest#migrateTo(java.nio.file.Path, Duration)}: to the
 *     completion)
 */
public record MigrationResult(
    Duration downtime, Duration totalTime, long transferredBytes, Duration elapsed) {}
