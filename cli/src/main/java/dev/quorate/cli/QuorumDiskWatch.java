package dev.quorate.cli;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskSnapshot;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Watches a quorum disk from outside, read-only, by the rule its nodes judge each other with: a
 * node whose slot (incarnation, sequence) has not changed for {@code tko} intervals is DOWN,
 * whatever the slot last said. A killed master's slot says MASTER until its owner writes again,
 * which it never does; showing that slot as the master would show two masters after every failover.
 * The master is the MASTER slot with the highest term among the nodes seen heartbeating.
 *
 * <p>One read cannot tell a live slot from a dead one, so {@link #read} samples the disk every
 * interval until each used slot has either changed or stayed still for {@code tko} intervals (about
 * one interval while every node heartbeats). What it saw is kept for the next read ({@code quorate
 * serve} reads again every few seconds), so a node already silent that long is DOWN at once. Only
 * the thread that calls {@link #read} touches that memory.
 */
final class QuorumDiskWatch {
  private final Path disk;
  private final Map<Integer, Seen> seen = new HashMap<>();

  /**
   * What the watch last saw of one node's slot.
   *
   * @param incarnation the slot's incarnation
   * @param sequence the slot's sequence
   * @param changedAt when this watch saw it change (or first saw it), {@link System#nanoTime}
   * @param moved whether it was ever seen to change
   */
  private record Seen(long incarnation, long sequence, long changedAt, boolean moved) {}

  QuorumDiskWatch(Path disk) {
    this.disk = disk;
  }

  /**
   * Samples the disk until every used slot is judged heartbeating or DOWN.
   *
   * @return the disk as judged
   * @throws CommandFailure (usage) if the disk cannot be read, naming it
   * @throws InterruptedException if interrupted between two samples
   */
  Status.QuorumDiskState read() throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      DiskSnapshot snapshot = snapshot();
      long now = System.nanoTime();
      DiskTiming timing = snapshot.header().timing();
      long silentLimit = timing.detectionTime().toNanos();
      List<Status.DiskSlot> slots = new ArrayList<>();
      boolean decided = true;
      for (HeartbeatSlot s : snapshot.slots().values()) {
        if (s.state() == SlotState.EMPTY) {
          continue; // never used: nothing to show
        }
        Seen before = seen.get(s.nodeId());
        Seen after;
        if (before == null) {
          after = new Seen(s.incarnation(), s.sequence(), now, false);
        } else if (before.incarnation() != s.incarnation() || before.sequence() != s.sequence()) {
          after = new Seen(s.incarnation(), s.sequence(), now, true);
        } else {
          after = before;
        }
        seen.put(s.nodeId(), after);
        boolean heartbeating = after.moved() && after.changedAt() >= start;
        boolean down = now - after.changedAt() >= silentLimit;
        if (!heartbeating && !down && s.state() != SlotState.STOPPED) {
          decided = false;
        }
        slots.add(
            new Status.DiskSlot(
                s.nodeId(),
                shown(s.state(), heartbeating),
                s.state().name(),
                heartbeating,
                s.host(),
                s.term(),
                s.sequence()));
      }
      if (decided) {
        return new Status.QuorumDiskState(
            disk.toString(), snapshot.header().clusterName(), master(slots), timing.tko(), slots);
      }
      // The sampling gap of a monitor that times other processes' writes, not a synchronisation.
      TimeUnit.NANOSECONDS.sleep(timing.interval().toNanos());
    }
  }

  /** What to show: a silent node is DOWN whatever its slot says; STOPPED stopped cleanly. */
  private static String shown(SlotState written, boolean heartbeating) {
    return heartbeating || written == SlotState.STOPPED ? written.name() : "DOWN";
  }

  private static int master(List<Status.DiskSlot> slots) {
    int master = 0;
    long term = Long.MIN_VALUE;
    for (Status.DiskSlot s : slots) {
      if (s.heartbeating() && s.state().equals(SlotState.MASTER.name()) && s.term() > term) {
        master = s.node();
        term = s.term();
      }
    }
    return master;
  }

  private DiskSnapshot snapshot() {
    try (BlockDevice device = BlockDevice.openReadOnly(disk)) {
      return DiskSnapshot.read(device);
    } catch (IOException e) {
      throw new CommandFailure(
          ExitCode.USAGE, "cannot read the quorum disk " + disk + ": " + e.getMessage(), e);
    }
  }
}
