package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.lock.MonotonicClock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Judges other hosts' liveness from their delta leases, on this host's own monotonic clock: a host
 * is dead once its record has not changed for host_expiry since this host first read it so, once a
 * newer generation replaced it, or once it was released. Clocks are never compared between hosts.
 * Confined to the thread that runs Paxos for this manager.
 */
final class HostWatch {
  private final LeaseDisks disks;
  private final LeaseArea area;
  private final MonotonicClock clock;
  private final Map<Integer, Seen> seen = new HashMap<>();

  private record Seen(Optional<DeltaRecord> record, long sinceNanos) {}

  HostWatch(LeaseDisks disks, LeaseArea area, MonotonicClock clock) {
    this.disks = disks;
    this.area = area;
    this.clock = clock;
  }

  /**
   * Reads {@code holder}'s delta lease and says whether that holder is surely gone.
   *
   * @return true if a newer generation holds the id, the holder released it, or its record stayed
   *     unchanged for host_expiry on this host's clock
   */
  boolean isDead(LeaseValue.Holder holder) throws InterruptedException {
    Optional<DeltaRecord> now =
        DeltaLease.newest(
            disks,
            area,
            holder.hostId(),
            "read the delta lease of host id " + holder.hostId() + " (a lease holder)");
    // The clock starts when the read that returned this record completed: the holder's last
    // renewal started before that, so expiry here is no earlier than its own deadline.
    long readAt = clock.nanoTime();
    Seen before = seen.get(holder.hostId());
    if (before == null || !before.record().equals(now)) {
      before = new Seen(now, readAt);
      seen.put(holder.hostId(), before);
    }
    if (now.isPresent() && now.get().generation() > holder.generation()) {
      return true;
    }
    if (now.isPresent() && now.get().generation() == holder.generation() && now.get().released()) {
      return true;
    }
    return readAt - before.sinceNanos() >= area.timing().hostExpiry().toNanos();
  }
}
