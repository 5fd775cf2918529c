package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What one disk holds for a resource slot, read in one I/O: the leader block (the last committed
 * value), then one ballot block and one request block per host.
 *
 * @param leader the committed value, if the block was ever written
 * @param ballots the hosts' ballot blocks that were written
 * @param requests the hosts' request blocks that were written
 */
record SlotRegion(Optional<LeaseValue> leader, List<Ballot> ballots, List<SlotRequest> requests) {

  /** Decodes the slot's region on the disk of {@code io}. */
  static SlotRegion decode(LeaseArea area, LeaseDisks.Io io, int slot) throws IOException {
    long first = SlotRequests.regionStart(area, slot);
    int hosts = area.hostSlots();
    ByteBuffer all = io.read(first, 1 + 2 * hosts);
    Optional<LeaseValue> leader =
        AreaCodec.decodeLeader(all.slice(0, AreaCodec.SIZE), area.areaId(), io.where(first));
    List<Ballot> ballots = new ArrayList<>();
    for (int h = 1; h <= hosts; h++) {
      AreaCodec.decodeBallot(
              all.slice(h * AreaCodec.SIZE, AreaCodec.SIZE), area.areaId(), h, io.where(first + h))
          .ifPresent(ballots::add);
    }
    List<SlotRequest> asked = new ArrayList<>();
    for (int h = 1; h <= hosts; h++) {
      int at = hosts + h;
      AreaCodec.decodeRequest(
              all.slice(at * AreaCodec.SIZE, AreaCodec.SIZE),
              area.areaId(),
              h,
              io.where(first + at))
          .ifPresent(asked::add);
    }
    return new SlotRegion(leader, ballots, asked);
  }

  /**
   * Reads the slot's region on every disk.
   *
   * @return the regions of the disks that answered
   * @throws dev.quorate.lock.QuorateException with IO_FAILURE if no majority answers
   */
  static List<SlotRegion> read(LeaseDisks disks, LeaseArea area, int slot, String what)
      throws InterruptedException {
    List<LeaseDisks.Outcome<SlotRegion>> outcomes = disks.onEach(1, io -> decode(area, io, slot));
    DeltaLease.requireMajority(outcomes, what);
    List<SlotRegion> regions = new ArrayList<>();
    outcomes.stream().filter(LeaseDisks.Outcome::ok).forEach(o -> regions.add(o.value()));
    return regions;
  }

  /** The committed value among regions read: the highest lease version. */
  static LeaseValue leaderOf(List<SlotRegion> regions) {
    return regions.stream()
        .flatMap(r -> r.leader().stream())
        .max(Comparator.comparingLong(LeaseValue::lver))
        .orElse(LeaseValue.NEVER_USED);
  }

  /** Each host's newest request among the regions read (withdrawn ones included). */
  static Collection<SlotRequest> requestsOf(List<SlotRegion> regions) {
    return SlotRequests.newest(regions.stream().flatMap(r -> r.requests().stream()).toList());
  }
}
