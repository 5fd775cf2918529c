package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskClock;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.io.IOException;
import java.nio.ByteBuffer;
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
   * Reads the slots of each disk ({@code headers.get(i)} for {@code devices.get(i)}) whose node
   * {@code nodes} accepts, waits {@code window}, reads again and returns the slots that advanced.
   *
   * @throws IOException if a disk cannot be read
   * @throws InterruptedException if interrupted while waiting
   */
  public static List<Advance> watch(
      List<BlockDevice> devices,
      List<DiskHeader> headers,
      IntPredicate nodes,
      Duration window,
      DiskClock clock)
      throws IOException, InterruptedException {
    List<List<Optional<HeartbeatSlot>>> before = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      before.add(read(devices.get(i), headers.get(i)));
    }
    clock.sleep(window);
    List<Advance> out = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      List<Optional<HeartbeatSlot>> after = read(devices.get(i), headers.get(i));
      for (int n = 1; n <= after.size(); n++) {
        Optional<HeartbeatSlot> a = after.get(n - 1);
        Optional<HeartbeatSlot> b = before.get(i).get(n - 1);
        if (nodes.test(n)
            && a.isPresent()
            && a.get().state() != SlotState.EMPTY
            && advanced(b, a.get())) {
          out.add(new Advance(devices.get(i).name(), b.orElse(HeartbeatSlot.empty(n)), a.get()));
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

  private static List<Optional<HeartbeatSlot>> read(BlockDevice d, DiskHeader h)
      throws IOException {
    ByteBuffer all = ByteBuffer.allocate(Layout.headerAndSlotsLength(h.slotCount()));
    d.read(0, all);
    all.flip();
    List<Optional<HeartbeatSlot>> out = new ArrayList<>();
    for (int n = 1; n <= h.slotCount(); n++) {
      out.add(
          RecordCodec.decodeSlot(
                  all.slice(n * DiskHeader.BLOCK_SIZE, DiskHeader.BLOCK_SIZE), h.diskId(), n)
              .value());
    }
    return out;
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
