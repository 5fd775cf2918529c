package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.qdisk.BlockDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an operator sees of a lease area, read without writing: every host id's delta lease, read
 * twice across a window to tell live hosts (the sequence advanced) from stopped ones, and every
 * resource slot's committed value.
 */
final class AreaView implements AutoCloseable {
  private final LeaseArea area;
  private final LeaseDisks disks;

  /** A host id's state as the window showed it. */
  enum HostState {
    /** Never held. */
    FREE,
    /** Given up cleanly; others may take it at once. */
    RELEASED,
    /** Renewed during the window. */
    LIVE,
    /** Held but not renewed during the window: dead, paused or cut off from the disks. */
    NOT_RENEWING
  }

  /** One host id: its record at the end of the window and how it changed. */
  record HostRow(int hostId, Optional<DeltaRecord> record, long firstSequence, HostState state) {}

  AreaView(LeaseArea area, List<BlockDevice> devices) {
    this.area = area;
    this.disks = new LeaseDisks(devices, area.timing().ioTimeout());
  }

  LeaseArea area() {
    return area;
  }

  int majority() {
    return disks.majority();
  }

  /** The window that a host renewing every renewal interval surely advances in. */
  static Duration window(LeaseArea area) {
    return area.timing().renewalInterval().multipliedBy(2).plus(area.timing().ioTimeout());
  }

  /** Reads every host id, waits {@code window} on the monotonic clock, reads them again. */
  List<HostRow> hosts(Duration window) throws InterruptedException {
    Map<Integer, Optional<DeltaRecord>> first = readHosts();
    Thread.sleep(window.toMillis()); // the read window itself: nothing else to wait for
    Map<Integer, Optional<DeltaRecord>> second = readHosts();
    List<HostRow> rows = new ArrayList<>();
    for (int h = 1; h <= area.hostSlots(); h++) {
      Optional<DeltaRecord> before = first.get(h);
      Optional<DeltaRecord> now = second.get(h);
      HostState state;
      if (now.isEmpty()) {
        state = HostState.FREE;
      } else if (now.get().released()) {
        state = HostState.RELEASED;
      } else if (!now.equals(before)) {
        state = HostState.LIVE;
      } else {
        state = HostState.NOT_RENEWING;
      }
      long firstSequence = before.map(DeltaRecord::sequence).orElse(0L);
      rows.add(new HostRow(h, now, firstSequence, state));
    }
    return rows;
  }

  private Map<Integer, Optional<DeltaRecord>> readHosts() throws InterruptedException {
    Map<Integer, Optional<DeltaRecord>> records = new LinkedHashMap<>();
    for (int h = 1; h <= area.hostSlots(); h++) {
      records.put(h, host(h));
    }
    return records;
  }

  /** Reads one host id's delta lease once: the newest record a majority of disks returned. */
  Optional<DeltaRecord> host(int hostId) throws InterruptedException {
    return DeltaLease.newest(disks, area, hostId, "read the delta lease of host id " + hostId);
  }

  /** Every slot's committed value that was ever used, in slot order. */
  Map<Integer, LeaseValue> usedSlots() throws InterruptedException {
    PaxosLease paxos = new PaxosLease(disks, area, 0); // reads only; the host id is never used
    Map<Integer, LeaseValue> used = new LinkedHashMap<>();
    for (int s = 0; s < area.resourceSlots(); s++) {
      LeaseValue v = paxos.readLeader(s);
      if (v.lver() > 0) {
        used.put(s, v);
      }
    }
    return used;
  }

  @Override
  public void close() {
    disks.close();
  }
}
