package dev.quorate.disklease.internal;

import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this host's disk lock manager granted and that have not ended, by the in-process lease
 * each wraps: tells them of the requests that wait for their slots and of changes of this host's
 * delta lease.
 */
final class GrantedLeases {
  private final Map<Lease, DiskLease> leases = new ConcurrentHashMap<>();

  void add(DiskLease lease) {
    leases.put(lease.local(), lease);
  }

  void remove(DiskLease lease) {
    leases.remove(lease.local());
  }

  boolean isEmpty() {
    return leases.isEmpty();
  }

  /**
   * The lease a caller holds for an in-process lease, once its grant has reached it; the in-process
   * lease itself before.
   */
  Lease shown(Lease local) {
    Lease shown = leases.get(local);
    return shown == null ? local : shown;
  }

  /** A claim of this host waits behind another host's request: as a local waiter would. */
  void blocking(int slot, SlotClaims.Claim claim, LockMode wanted) {
    for (DiskLease lease : leases.values()) {
      lease.blocking(slot, claim, wanted);
    }
  }

  /** Other hosts' requests wait for a slot this host holds: tells the leases they conflict with. */
  void blocked(int slot, List<SlotRequest> requests) {
    for (SlotRequest r : requests) {
      LockMode wanted = r.mode() == SlotMode.EXCLUSIVE ? LockMode.EX : LockMode.PR;
      for (DiskLease lease : leases.values()) {
        lease.blocking(slot, r, wanted);
      }
    }
  }

  /** This host's delta lease changed state. */
  void hostChanged(LeaseState state, String why) {
    for (DiskLease lease : List.copyOf(leases.values())) {
      lease.hostChanged(state, why);
    }
  }
}
