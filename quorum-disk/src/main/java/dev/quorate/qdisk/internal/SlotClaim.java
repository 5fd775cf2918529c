package dev.quorate.qdisk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves a node's slot free before its first heartbeat: writes a claim (the new incarnation, state
 * INIT), then reads the slot for at least {@code tko} intervals. A running owner writes every
 * interval, so within that window it overwrites the claim, and it sees the claim in its own slot
 * and stops; the claimer refuses to start. A peer that writes nothing for {@code tko} intervals is
 * DOWN for every other node anyway, so a quiet window proves the slot free.
 */
final class SlotClaim {
  private static final Logger LOG = LoggerFactory.getLogger(SlotClaim.class);

  private SlotClaim() {}

  /**
   * Claims the slot with {@code claim} on every usable disk and watches it.
   *
   * @throws QuorateException REFUSED naming both writers if another process writes the slot,
   *     IO_FAILURE if the claim reaches fewer than {@code majority} disks
   */
  static void run(
      List<DiskChannel> disks,
      HeartbeatSlot claim,
      DiskTiming t,
      MonotonicClock clock,
      int majority) {
    List<DiskChannel> usable = disks.stream().filter(DiskChannel::joined).toList();
    List<Optional<HeartbeatSlot>> before = new ArrayList<>();
    for (DiskChannel d : usable) {
      before.add(readOwn(d, claim.nodeId()));
    }
    int written = 0;
    for (DiskChannel d : usable) {
      try {
        d.writeOnly(claim);
        written++;
      } catch (IOException e) {
        LOG.warn(
            "node {}: claim not written to {}: {}",
            claim.nodeId(),
            d.device().name(),
            e.getMessage());
      }
    }
    if (written < majority) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "slot "
              + claim.nodeId()
              + ": the claim reached "
              + written
              + " disks, fewer than a majority of "
              + majority);
    }
    LOG.info(
        "node {}: claimed slot {} for incarnation {}; watching it for {} intervals ({} ms)",
        claim.nodeId(),
        claim.nodeId(),
        claim.incarnation(),
        t.tko(),
        t.detectionTime().toMillis());
    long start = clock.nanoTime();
    int reads = 0;
    while (reads < t.tko() || clock.nanoTime() - start < t.detectionTime().toNanos()) {
      try {
        clock.sleep(t.interval());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new QuorateException(
            ErrorCode.CLOSED, "slot " + claim.nodeId() + ": interrupted during the claim", e);
      }
      reads++;
      for (int i = 0; i < usable.size(); i++) {
        Optional<HeartbeatSlot> now = readOwn(usable.get(i), claim.nodeId());
        // Our claim, or the record it replaced (a lost claim write), is quiet; anything else is
        // another process advancing the slot.
        if (now.isPresent() && !now.equals(Optional.of(claim)) && !now.equals(before.get(i))) {
          conflict(usable, usable.get(i), claim, now.get());
        }
      }
    }
  }

  private static void conflict(
      List<DiskChannel> usable, DiskChannel where, HeartbeatSlot claim, HeartbeatSlot found) {
    // Once more, so the running owner reads it before its next write even if it overwrote the
    // first claim between its read and its write: both processes must stop.
    for (DiskChannel d : usable) {
      try {
        d.writeOnly(claim);
      } catch (IOException e) {
        LOG.warn(
            "node {}: claim not rewritten to {}: {}",
            claim.nodeId(),
            d.device().name(),
            e.getMessage());
      }
    }
    throw new QuorateException(
        ErrorCode.REFUSED,
        SlotOwnership.conflict(where.device().name(), claim, found)
            + " (found during the claim, before this process's first heartbeat)");
  }

  private static Optional<HeartbeatSlot> readOwn(DiskChannel d, int nodeId) {
    try {
      return DiskReader.readSlot(d.device(), d.header(), nodeId).value();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
