package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's side of the request blocks that queue the hosts waiting for a resource slot: a host
 * that finds the slot held (or finds an earlier waiter) writes its request, and a host that does
 * not hold the slot does not take it while a live host's earlier conflicting request waits, so the
 * oldest live waiter is granted next. A request is withdrawn when granted, given up, or closed;
 * requests of hosts whose delta lease expired are passed over. A withdrawal that too few disks took
 * stays owed ({@link #owed()}) until a retry lands it, a new request of this host replaces it, or
 * the caller abandons it as this host's delta lease ends: a stale request would hold other hosts
 * back and call their blocking callbacks. Confined, per slot, to the caller that runs Paxos for the
 * slot.
 */
final class SlotRequests {
  private static final Logger LOG = LoggerFactory.getLogger(SlotRequests.class);

  private final LeaseDisks disks;
  private final LeaseArea area;
  private final Map<Integer, SlotRequest> pending = new ConcurrentHashMap<>(); // this host's
  // Withdrawals (FREE blocks) that a majority of disks has not taken yet, by slot.
  private final Map<Integer, SlotRequest> owed = new ConcurrentHashMap<>();
  // Slots whose pending request a majority of disks has not taken yet: the next ask writes it
  // again.
  private final Set<Integer> unwritten = ConcurrentHashMap.newKeySet();

  SlotRequests(LeaseDisks disks, LeaseArea area) {
    this.disks = disks;
    this.area = area;
  }

  /** The first block of a slot's region: its leader, then one ballot and one request per host. */
  static long regionStart(LeaseArea area, int slot) {
    return 1L + area.hostSlots() + (long) slot * (1 + 2L * area.hostSlots());
  }

  /** The block of {@code hostId}'s request for {@code slot}. */
  static long block(LeaseArea area, int slot, int hostId) {
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

  /**
   * Writes this host's request for {@code wanted}, keeping its ticket if it already waits. A
   * request that a majority of disks did not take is written again at the next ask: other hosts
   * cannot see it, so they would not let this host in before them.
   */
  void ask(int slot, Holder me, SlotMode wanted, Collection<SlotRequest> seen)
      throws InterruptedException {
    SlotRequest mine = pending.get(slot);
    if (mine != null && mine.mode() == wanted && !unwritten.contains(slot)) {
      return;
    }
    long ticket =
        mine != null
            ? mine.ticket()
            : 1 + seen.stream().mapToLong(SlotRequest::ticket).max().orElse(0);
    SlotRequest request = new SlotRequest(me.hostId(), me.generation(), wanted, ticket);
    pending.put(slot, request);
    // The new request takes the block of an owed withdrawal: this host waits again, with a newer
    // ticket, which supersedes the stale request wherever it lands.
    owed.remove(slot);
    if (write(slot, request)) {
      unwritten.remove(slot);
    } else {
      unwritten.add(slot);
    }
  }

  /**
   * Withdraws this host's request for the slot, if it has one, or writes the slot's owed withdrawal
   * again. A withdrawal that a majority did not take is owed from then on.
   *
   * @return false if a majority of disks did not take the withdrawal (call again later)
   */
  boolean withdraw(int slot) throws InterruptedException {
    SlotRequest mine = pending.remove(slot);
    unwritten.remove(slot);
    SlotRequest done =
        mine != null
            ? new SlotRequest(mine.hostId(), mine.generation(), SlotMode.FREE, mine.ticket())
            : owed.get(slot);
    if (done == null) {
      return true;
    }
    if (write(slot, done)) {
      owed.remove(slot);
      return true;
    }
    owed.put(slot, done);
    return false;
  }

  /** The slots whose withdrawal a majority of disks has not taken yet. */
  Set<Integer> owed() {
    return Set.copyOf(owed.keySet());
  }

  /**
   * Gives up the owed withdrawals, which the caller logs: this host's delta lease ended, so other
   * hosts pass its requests over.
   *
   * @return the withdrawals given up
   */
  Collection<SlotRequest> abandon() {
    List<SlotRequest> given = List.copyOf(owed.values());
    owed.clear();
    return given;
  }

  private boolean write(int slot, SlotRequest r) throws InterruptedException {
    long at = block(area, slot, r.hostId());
    List<LeaseDisks.Outcome<Object>> outcomes =
        disks.onEach(
            1,
            io -> {
              io.write(at, AreaCodec.encodeRequest(area.areaId(), r));
              return null;
            });
    List<String> failed = new ArrayList<>();
    for (int d = 0; d < outcomes.size(); d++) {
      if (!outcomes.get(d).ok()) {
        failed.add(disks.name(d) + ": " + outcomes.get(d).failure());
      }
    }
    int ok = outcomes.size() - failed.size();
    if (ok < disks.majority()) {
      LOG.warn(
          "resource slot {}: request {} reached {} of {} disks, a majority is {}; failed {}",
          slot,
          r,
          ok,
          disks.count(),
          disks.majority(),
          failed);
      return false;
    }
    return true;
  }
}
