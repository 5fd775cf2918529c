package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * This host's delta lease on its host id: acquired by read, wait, write, wait, read-back; renewed
 * by read-check-write on every disk. Written only from one thread at a time (the host lease's
 * renewer); {@link #lastRenewalStart()} is the one piece of state others read.
 */
final class DeltaLease {
  private final LeaseDisks disks;
  private final LeaseArea area;
  private final MonotonicClock clock;
  private final int hostId;
  private final String owner;
  private final UUID instance = UUID.randomUUID();
  private volatile DeltaRecord record;
  private volatile long lastRenewalStart;

  DeltaLease(LeaseDisks disks, LeaseArea area, MonotonicClock clock, int hostId, String owner) {
    this.disks = disks;
    this.area = area;
    this.clock = clock;
    this.hostId = hostId;
    this.owner = owner;
  }

  int hostId() {
    return hostId;
  }

  /** The generation this host holds its id with; valid after {@link #acquire}. */
  long generation() {
    return record.generation();
  }

  /** When the last successful renewal (or the acquiring write) started, on the local clock. */
  long lastRenewalStart() {
    return lastRenewalStart;
  }

  /**
   * Acquires the host id. A record that is not released must stay unchanged for host_expiry on this
   * host's clock first; a change means another live host holds the id.
   *
   * @throws QuorateException with {@link ErrorCode#REFUSED} naming both hosts if another host holds
   *     or takes the id, or {@link ErrorCode#IO_FAILURE} if no majority of disks answers
   */
  void acquire() throws InterruptedException {
    Optional<DeltaRecord> seen = readMajority();
    long seenAt = clock.nanoTime();
    if (seen.isPresent() && !seen.get().released()) {
      long expiry = area.timing().hostExpiry().toNanos();
      while (clock.nanoTime() - seenAt < expiry) {
        clock.sleep(area.timing().renewalInterval());
        Optional<DeltaRecord> now = readMajority();
        if (!now.equals(seen)) {
          throw conflict(now.orElseThrow(), "renewed it while this host waited for it to expire");
        }
      }
    }
    long generation = seen.map(DeltaRecord::generation).orElse(0L) + 1;
    DeltaRecord mine = new DeltaRecord(hostId, generation, 1, false, instance, owner);
    long start = clock.nanoTime();
    requireMajority(write(mine), "write the delta lease of host id " + hostId);
    // A host that read the same free record writes within one I/O; waiting twice that lets its
    // write land before we read back, so at most one of two racing hosts sees its own record.
    clock.sleep(area.timing().acquireDelay());
    Optional<DeltaRecord> back = readMajority();
    if (back.isEmpty() || !back.get().sameHolder(mine)) {
      throw conflict(back.orElse(mine), "wrote it at the same time");
    }
    record = mine;
    lastRenewalStart = start;
  }

  /**
   * One renewal: on every disk read the record, check it is still ours, write the next sequence.
   *
   * @return true if a majority of disks renewed
   * @throws QuorateException with {@link ErrorCode#REFUSED} naming both hosts if another host wrote
   *     this host id
   */
  boolean renew() throws InterruptedException {
    DeltaRecord next = record.renewed();
    long start = clock.nanoTime();
    List<LeaseDisks.Outcome<DeltaRecord>> outcomes =
        disks.onEach(
            2,
            io -> {
              Optional<DeltaRecord> found = decode(io);
              if (found.isPresent() && !found.get().sameHolder(next)) {
                return found.get();
              }
              io.write(hostId, AreaCodec.encodeDelta(area.areaId(), next));
              return next;
            });
    int renewed = 0;
    for (LeaseDisks.Outcome<DeltaRecord> o : outcomes) {
      if (o.ok() && !o.value().sameHolder(next)) {
        throw conflict(o.value(), "overwrote this host's delta lease");
      }
      renewed += o.ok() ? 1 : 0;
    }
    if (renewed < disks.majority()) {
      return false;
    }
    record = next;
    lastRenewalStart = start;
    return true;
  }

  /** Marks the id released on every disk it can reach; others may take it at once. */
  void release() throws InterruptedException {
    write(record.releasedRecord());
  }

  private List<LeaseDisks.Outcome<Void>> write(DeltaRecord r) throws InterruptedException {
    return disks.onEach(
        1,
        io -> {
          io.write(hostId, AreaCodec.encodeDelta(area.areaId(), r));
          return null;
        });
  }

  /** Reads the id's record on every disk; the newest of a majority's answers. */
  Optional<DeltaRecord> readMajority() throws InterruptedException {
    return newest(disks, area, hostId, "read the delta lease of host id " + hostId);
  }

  static Optional<DeltaRecord> newest(LeaseDisks disks, LeaseArea area, int hostId, String what)
      throws InterruptedException {
    List<LeaseDisks.Outcome<Optional<DeltaRecord>>> outcomes =
        disks.onEach(
            1,
            io -> AreaCodec.decodeDelta(io.read(hostId), area.areaId(), hostId, io.where(hostId)));
    requireMajority(outcomes, what);
    return outcomes.stream()
        .filter(LeaseDisks.Outcome::ok)
        .flatMap(o -> o.value().stream())
        .max(
            Comparator.comparingLong(DeltaRecord::generation)
                .thenComparingLong(DeltaRecord::sequence));
  }

  private Optional<DeltaRecord> decode(LeaseDisks.Io io) throws IOException {
    return AreaCodec.decodeDelta(io.read(hostId), area.areaId(), hostId, io.where(hostId));
  }

  static void requireMajority(List<? extends LeaseDisks.Outcome<?>> outcomes, String what) {
    long ok = outcomes.stream().filter(LeaseDisks.Outcome::ok).count();
    if (ok * 2 <= outcomes.size()) {
      Throwable first =
          outcomes.stream().filter(o -> !o.ok()).findFirst().map(o -> o.failure()).orElse(null);
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "could not "
              + what
              + " on a majority of "
              + outcomes.size()
              + " lease disks ("
              + ok
              + " answered): "
              + first,
          first);
    }
  }

  private QuorateException conflict(DeltaRecord other, String how) {
    return new QuorateException(
        ErrorCode.REFUSED,
        "host id "
            + hostId
            + " is used by two hosts: "
            + other.describe()
            + " "
            + how
            + ", and this host '"
            + owner
            + "' (instance "
            + instance
            + "); give each host its own host id");
  }
}
