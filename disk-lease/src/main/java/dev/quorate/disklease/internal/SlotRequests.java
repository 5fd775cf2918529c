package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's side of the request blocks that queue the hosts waiting for a resource slot: a host
 * that finds the slot held (or finds an earlier waiter) writes its request, and a host that does
 * not hold the slot does not take it while a live host's earlier conflicting request waits, so the
 * oldest live waiter is granted next. A request is withdrawn when granted, given up, or closed;
 * requests of hosts whose delta lease expired are passed over. Confined, per slot, to the caller
 * that runs Paxos for the slot.
 */
final class SlotRequests {
  private static final Logger LOG = LoggerFactory.getLogger(SlotRequests.class);

  private final LeaseDisks disks;
  private final LeaseArea area;
  private final Map<Integer, SlotRequest> pending = new ConcurrentHashMap<>(); // this host's

  SlotRequests(LeaseDisks disks, LeaseArea area) {
    this.disks = disks;
    this.area = area;
  }

  /** The first block of a slot's region: its leader, then one ballot and one request per host. */
  static long regionStart(LeaseArea area, int slot) {
    return 1L + area.hostSlots() + (long) slot * (1 + 2L * area.hostSlots());
  }

  private long block(int slot, int hostId) {
    return regionStart(area, slot) + area.hostSlots() + hostId;
  }

  /** Each host's newest request among the blocks read from several disks. */
  static Collection<SlotRequest> newest(Collection<SlotRequest> read) {
    Map<Integer, SlotRequest> byHost = new HashMap<>();
    for (SlotRequest r : read) {
      byHost.merge(r.hostId(), r, (a, b) -> b.newerThan(a) ? b : a);
    }
    return byHost.values();
  }

  /**
   * Returns a live host's pending request that conflicts with {@code wanted} and arrived before
   * this host's own (before now, if it has none), if any: this host must not take the slot before
   * it.
   */
  Optional<SlotRequest> ahead(
      int slot, Holder me, SlotMode wanted, Collection<SlotRequest> seen, SlotPolicy.Liveness live)
      throws InterruptedException {
    SlotRequest mine = pending.get(slot);
    SlotRequest first = null;
    for (SlotRequest r : seen) {
      if (r.hostId() != me.hostId()
          && r.conflictsWith(wanted)
          && (mine == null || r.before(mine))
          && (first == null || r.before(first))
          && !live.isDead(new Holder(r.hostId(), r.generation()))) {
        first = r;
      }
    }
    return Optional.ofNullable(first);
  }

  /** Writes this host's request for {@code wanted}, keeping its ticket if it already waits. */
  void ask(int slot, Holder me, SlotMode wanted, Collection<SlotRequest> seen)
      throws InterruptedException {
    SlotRequest mine = pending.get(slot);
    if (mine != null && mine.mode() == wanted) {
      return;
    }
    long ticket =
        mine != null
            ? mine.ticket()
            : 1 + seen.stream().mapToLong(SlotRequest::ticket).max().orElse(0);
    SlotRequest request = new SlotRequest(me.hostId(), me.generation(), wanted, ticket);
    pending.put(slot, request);
    write(slot, request);
  }

  /**
   * Withdraws this host's request for the slot, if it has one.
   *
   * @return false if a majority of disks did not take the withdrawal (call again later)
   */
  boolean withdraw(int slot) throws InterruptedException {
    SlotRequest mine = pending.get(slot);
    if (mine == null) {
      return true;
    }
    SlotRequest done =
        new SlotRequest(mine.hostId(), mine.generation(), SlotMode.FREE, mine.ticket());
    if (!write(slot, done)) {
      return false;
    }
    pending.remove(slot, mine);
    return true;
  }

  /** Whether this host has a request for the slot that it has not withdrawn yet. */
  boolean waits(int slot) {
    return pending.containsKey(slot);
  }

  private boolean write(int slot, SlotRequest r) throws InterruptedException {
    long at = block(slot, r.hostId());
    int ok = 0;
    for (LeaseDisks.Outcome<?> o :
        disks.onEach(
            1,
            io -> {
              io.write(at, AreaCodec.encodeRequest(area.areaId(), r));
              return null;
            })) {
      ok += o.ok() ? 1 : 0;
    }
    if (ok < disks.majority()) {
      LOG.warn("resource slot {}: request {} reached {} of {} disks", slot, r, ok, disks.count());
      return false;
    }
    return true;
  }
}
