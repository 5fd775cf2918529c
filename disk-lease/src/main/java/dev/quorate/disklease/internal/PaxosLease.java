package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One host's side of the Disk Paxos leases of a lease area (Gafni and Lamport): each resource slot
 * has a leader block holding the last committed {@link LeaseValue} and one {@link Ballot} block per
 * host. Instance {@code lver + 1} decides who holds the slot after the value of instance {@code
 * lver}; a strict majority of disks must answer each phase. Not thread-safe per slot: the caller
 * runs one proposal per slot at a time.
 */
final class PaxosLease {
  /** Ballots are {@code round x BALLOT_HOSTS + hostId}: unique per host, ordered by round. */
  private static final long BALLOT_HOSTS = LeaseArea.MAX_HOSTS + 1L;

  private final LeaseDisks disks;
  private final LeaseArea area;
  private final int hostId;
  private final SlotRequests requests;

  /** Per slot, the highest lease version {@link #acquire} returned: the newest token handed out. */
  private final Map<Integer, Long> granted = new ConcurrentHashMap<>();

  PaxosLease(LeaseDisks disks, LeaseArea area, int hostId) {
    this.disks = disks;
    this.area = area;
    this.hostId = hostId;
    this.requests = new SlotRequests(disks, area);
  }

  private long leaderBlock(int slot) {
    return SlotRequests.regionStart(area, slot);
  }

  /**
   * Reads the slot's committed value: the highest lease version among a majority of disks.
   *
   * @throws dev.quorate.lock.QuorateException with IO_FAILURE if no majority answers
   */
  LeaseValue readLeader(int slot) throws InterruptedException {
    return SlotRegion.leaderOf(SlotRegion.read(disks, area, slot, "read resource slot " + slot));
  }

  /**
   * The lowest lease version the slot's committed value can have: one below the newest instance a
   * ballot block names (its proposer read that version as committed), and no lower than the last
   * one {@link #acquire} returned to this host. A leader below it is a stale block, for instance an
   * old leader brought back by a late write on some disks while the disks holding the newer one did
   * not answer.
   */
  private long floor(int slot, List<SlotRegion> regions) {
    long ballots =
        regions.stream()
            .flatMap(r -> r.ballots().stream())
            .mapToLong(b -> b.lver() - 1)
            .max()
            .orElse(0);
    return Math.max(ballots, granted.getOrDefault(slot, 0L));
  }

  /**
   * Records a grant's lease version and withdraws this host's request, which it answers. A
   * withdrawal that too few disks took stays owed, for {@link #retryWithdrawals}: the grant stands
   * either way.
   */
  private Optional<LeaseValue> granted(int slot, Optional<LeaseValue> value)
      throws InterruptedException {
    value.ifPresent(v -> granted.merge(slot, v.lver(), Math::max));
    requests.withdraw(slot);
    return value;
  }

  /**
   * Reads each host's newest request for the slot (withdrawn ones included).
   *
   * @throws dev.quorate.lock.QuorateException with IO_FAILURE if no majority answers
   */
  Collection<SlotRequest> requests(int slot) throws InterruptedException {
    return SlotRegion.requestsOf(
        SlotRegion.read(disks, area, slot, "read the requests of resource slot " + slot));
  }

  /**
   * Withdraws this host's request for the slot, which it no longer wants.
   *
   * @return false if too few disks took the withdrawal: it is owed, for {@link #retryWithdrawals}
   */
  boolean withdraw(int slot) throws InterruptedException {
    return requests.withdraw(slot);
  }

  /**
   * Writes again every withdrawal of this host that too few disks took (after a grant, a release,
   * or a wait given up).
   *
   * @return the slots whose withdrawal is still owed
   */
  Set<Integer> retryWithdrawals() throws InterruptedException {
    for (int slot : requests.owed()) {
      requests.withdraw(slot);
    }
    return requests.owed();
  }

  /**
   * Gives up the owed withdrawals: this host's delta lease ended, so others pass its requests over.
   *
   * @return the withdrawals given up, for the caller to log
   */
  Collection<SlotRequest> abandonWithdrawals() {
    return requests.abandon();
  }

  /**
   * Runs instance {@code wanted.lver()} for {@code wanted}.
   *
   * @return the value the instance decided (ours or another host's), or empty if this attempt was
   *     overtaken by a higher ballot or a newer instance, or too few disks answered: read the
   *     leader again and retry
   */
  Optional<LeaseValue> propose(int slot, LeaseValue wanted) throws InterruptedException {
    long lver = wanted.lver();
    List<LeaseDisks.Outcome<SlotRegion>> before =
        disks.onEach(1, io -> SlotRegion.decode(area, io, slot));
    if (okCount(before) < disks.majority()) {
      return Optional.empty();
    }
    long highest = 0;
    Ballot mine = null;
    for (LeaseDisks.Outcome<SlotRegion> o : before) {
      if (!o.ok()) {
        continue;
      }
      for (Ballot b : o.value().ballots()) {
        if (b.lver() > lver) {
          return Optional.empty();
        }
        if (b.lver() == lver) {
          highest = Math.max(highest, b.mbal());
          if (b.hostId() == hostId && (mine == null || b.mbal() > mine.mbal())) {
            mine = b;
          }
        }
      }
    }
    long mbal = (highest / BALLOT_HOSTS + 1) * BALLOT_HOSTS + hostId;
    // Phase 1: announce mbal, keeping what this host accepted earlier in this instance.
    Ballot prepare =
        mine != null && mine.bal() > 0
            ? new Ballot(hostId, lver, mbal, mine.bal(), mine.value())
            : new Ballot(hostId, lver, mbal, 0, wanted);
    Optional<List<Ballot>> seen = phase(slot, prepare);
    if (seen.isEmpty()) {
      return Optional.empty();
    }
    LeaseValue chosen = wanted;
    long chosenBal = 0;
    for (Ballot b : seen.get()) {
      if (b.lver() == lver && b.bal() > chosenBal) {
        chosen = b.value();
        chosenBal = b.bal();
      }
    }
    // Phase 2: accept the chosen value at mbal.
    if (phase(slot, new Ballot(hostId, lver, mbal, mbal, chosen)).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(chosen);
  }

  /**
   * Writes this host's ballot block and reads all others on every disk.
   *
   * @return the blocks read from a majority, or empty if too few disks answered, or a block shows a
   *     higher ballot of this instance or any newer instance
   */
  private Optional<List<Ballot>> phase(int slot, Ballot own) throws InterruptedException {
    long block = leaderBlock(slot) + hostId;
    List<LeaseDisks.Outcome<SlotRegion>> outcomes =
        disks.onEach(
            2,
            io -> {
              io.write(block, AreaCodec.encodeBallot(area.areaId(), own));
              return SlotRegion.decode(area, io, slot);
            });
    if (okCount(outcomes) < disks.majority()) {
      return Optional.empty();
    }
    List<Ballot> all = new ArrayList<>();
    for (LeaseDisks.Outcome<SlotRegion> o : outcomes) {
      if (!o.ok()) {
        continue;
      }
      for (Ballot b : o.value().ballots()) {
        if (b.lver() > own.lver() || (b.lver() == own.lver() && b.mbal() > own.mbal())) {
          return Optional.empty();
        }
        all.add(b);
      }
    }
    return Optional.of(all);
  }

  private static int okCount(List<? extends LeaseDisks.Outcome<?>> outcomes) {
    return (int) outcomes.stream().filter(LeaseDisks.Outcome::ok).count();
  }

  /** Writes a decided value as the slot's leader on every disk; a majority must take it. */
  void commit(int slot, LeaseValue decided) throws InterruptedException {
    long block = leaderBlock(slot);
    DeltaLease.requireMajority(
        disks.onEach(
            1,
            io -> {
              io.write(block, AreaCodec.encodeLeader(area.areaId(), decided));
              return null;
            }),
        "commit resource slot " + slot);
  }

  /**
   * Moves the slot to {@code wanted} for {@code me}: reads the leader, asks the policy, proposes
   * and commits, and helps commit another host's decision before trying again. A host that does not
   * hold the slot does not take it while a live host's earlier conflicting request waits; a host
   * that must wait writes its own request, and withdraws it once granted.
   *
   * @return the committed value that gives this host what it wanted, or empty if a live holder or
   *     an earlier live waiter stands in the way (try again after a renewal interval)
   */
  Optional<LeaseValue> acquire(int slot, Holder me, SlotMode wanted, SlotPolicy.Liveness liveness)
      throws InterruptedException {
    for (int attempt = 0; attempt < 8; attempt++) {
      List<SlotRegion> regions = SlotRegion.read(disks, area, slot, "read resource slot " + slot);
      LeaseValue current = SlotRegion.leaderOf(regions);
      if (current.lver() < floor(slot, regions)) {
        // A stale leader: never grant from it (its lver would send the token backwards) nor build
        // on it; read again, and wait if the disks holding the newer value stay silent.
        continue;
      }
      Collection<SlotRequest> asked = SlotRegion.requestsOf(regions);
      Optional<LeaseValue> next =
          wanted != SlotMode.FREE
                  && !current.heldBy(me)
                  && requests.ahead(slot, me, wanted, asked, liveness).isPresent()
              ? Optional.empty()
              : SlotPolicy.next(current, me, wanted, liveness);
      if (next.isEmpty()) {
        requests.ask(slot, me, wanted, asked);
        return next;
      }
      if (next.get().equals(current)) {
        return granted(slot, next);
      }
      Optional<LeaseValue> decided = propose(slot, next.get());
      if (decided.isPresent()) {
        commit(slot, decided.get());
        if (decided.get().equals(next.get())) {
          return granted(slot, decided);
        }
      }
    }
    // Eight rounds overtaken by other proposers: report contention as waiting, not as failure.
    return Optional.empty();
  }
}
