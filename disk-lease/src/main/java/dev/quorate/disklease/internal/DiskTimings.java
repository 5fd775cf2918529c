package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseTiming;
import dev.quorate.qdisk.DiskTiming;

/**
 * The quorum disk's {@link DiskTiming} that a lease timing amounts to, so that a {@link
 * dev.quorate.quorum.SelfFence} checks a watchdog against it: heartbeat = renewal interval, renewal
 * deadline = renewal deadline; a watchdog must fire between two renewals and the deadline.
 */
final class DiskTimings {
  private DiskTimings() {}

  static DiskTiming of(LeaseTiming t) {
    long renewal = t.renewalInterval().toNanos();
    int tko = (int) ((t.hostExpiry().toNanos() + renewal - 1) / renewal);
    return new DiskTiming(
        t.renewalInterval(),
        tko,
        1,
        t.ioTimeout(),
        t.renewalDeadline(),
        t.renewalInterval().multipliedBy(tko));
  }
}
