package dev.quorate.qdisk.internal;

import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskSnapshot;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Evidence that nodes use a disk now: slots whose sequence (or incarnation) advances over a read
 * window. Read twice, {@link #window} apart, on the reader's own clock; what a slot says about
 * itself (its state) proves nothing, only a change does.
 */
public final class LiveSlots {
  private LiveSlots() {}

  /**
   * One slot seen advancing.
   *
   * @param device the disk
   * @param before the record at the start of the window
   * @param after the record at its end
   */
  public record Advance(String device, HeartbeatSlot before, HeartbeatSlot after) {
    /** Describes the advance for an operator. */
    public String describe() {
      return "node "
          + after.nodeId()
          + " on "
          + device
          + " went from sequence "
          + before.sequence()
          + " to "
          + after.sequence()
          + " ("
          + SlotOwnership.describe(after)
          + ")";
    }
  }

  /**
   * The window that shows every live node of a disk with {@code timing}: a running node writes
   * every interval, and one that has not renewed within its deadline has fenced itself.
   */
  public static Duration window(DiskTiming timing) {
    return timing.renewalDeadline().plus(timing.interval());
  }

  /**
   * Reads the slots of each of {@code devices} (each with a valid header) whose node {@code nodes}
   * accepts, waits {@code window}, reads again and returns the slots that advanced.
   *
   * @throws IOException if a disk cannot be read
   * @throws InterruptedException if interrupted while waiting
   * @throws dev.quorate.lock.QuorateException if a disk has no valid header
   */
  public static List<Advance> watch(
      List<BlockDevice> devices, IntPredicate nodes, Duration window, MonotonicClock clock)
      throws IOException, InterruptedException {
    List<DiskSnapshot> before = new ArrayList<>();
    for (BlockDevice d : devices) {
      before.add(DiskSnapshot.read(d));
    }
    clock.sleep(window);
    List<Advance> out = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      DiskSnapshot after = DiskSnapshot.read(devices.get(i));
      for (HeartbeatSlot a : after.slots().values()) {
        Optional<HeartbeatSlot> b = before.get(i).slot(a.nodeId());
        if (nodes.test(a.nodeId()) && a.state() != SlotState.EMPTY && advanced(b, a)) {
          out.add(new Advance(devices.get(i).name(), b.orElse(HeartbeatSlot.empty(a.nodeId())), a));
        }
      }
    }
    return out;
  }

  private static boolean advanced(Optional<HeartbeatSlot> before, HeartbeatSlot after) {
    return before.isEmpty()
        || before.get().incarnation() != after.incarnation()
        || before.get().sequence() < after.sequence();
  }

  /** Describes the advances, one clause per node with the disks it was seen advancing on. */
  public static String describe(List<Advance> advances) {
    Map<Integer, List<Advance>> byNode = new TreeMap<>();
    for (Advance a : advances) {
      byNode.computeIfAbsent(a.after().nodeId(), n -> new ArrayList<>()).add(a);
    }
    List<String> out = new ArrayList<>();
    for (List<Advance> seen : byNode.values()) {
      Advance first = seen.get(0);
      out.add(
          first.describe()
              + (seen.size() == 1
                  ? ""
                  : ", and on "
                      + String.join(
                          ", ",
                          seen.subList(1, seen.size()).stream().map(Advance::device).toList())));
    }
    return String.join("; ", out);
  }
}
