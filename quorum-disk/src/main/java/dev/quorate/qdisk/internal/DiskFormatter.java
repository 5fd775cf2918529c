package dev.quorate.qdisk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes a fresh layout. Checks everything before the first write, so a refusal writes nothing:
 * sizes, foreign data, and live heartbeats (a disk whose slots advance over a read window is in use
 * by running nodes, which a new header would make fence themselves). Then it wipes the old header,
 * writes every slot and mailbox, and writes the new header last: a format cut short leaves a disk
 * without a header, which every command refuses.
 */
public final class DiskFormatter {
  private DiskFormatter() {}

  /** Formats {@code device} with {@code header}; {@code force} overwrites foreign or live data. */
  public static void format(BlockDevice device, DiskHeader header, boolean force)
      throws IOException {
    formatSet(List.of(device), List.of(header), force, MonotonicClock.system());
  }

  /**
   * Formats {@code devices.get(i)} with {@code headers.get(i)}, after checking all of them; {@code
   * force} overwrites another cluster's disk, foreign data and disks with live heartbeats.
   *
   * @throws QuorateException REFUSED naming the disk and the live nodes, or why else it is refused
   */
  public static void formatSet(
      List<BlockDevice> devices, List<DiskHeader> headers, boolean force, MonotonicClock clock)
      throws IOException {
    List<Boolean> zero = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      zero.add(check(devices.get(i), headers.get(i), force));
    }
    if (!force) {
      refuseLive(devices, clock);
    }
    for (int i = 0; i < devices.size(); i++) {
      if (!zero.get(i)) {
        devices.get(i).write(0, ByteBuffer.allocate(DiskHeader.BLOCK_SIZE));
      }
      writeLayout(devices.get(i), headers.get(i));
    }
  }

  /** Writes a fresh layout without the checks: the caller made its own. */
  static void overwrite(BlockDevice device, DiskHeader header) throws IOException {
    check(device, header, true);
    device.write(0, ByteBuffer.allocate(DiskHeader.BLOCK_SIZE));
    writeLayout(device, header);
  }

  /**
   * Refuses if a node heartbeats on any of {@code devices} that holds a valid header: their slots
   * are read twice, a {@link LiveSlots#window} of the longest timing apart.
   */
  static void refuseLive(List<BlockDevice> devices, MonotonicClock clock) throws IOException {
    List<BlockDevice> formatted = new ArrayList<>();
    Duration window = Duration.ZERO;
    for (BlockDevice d : devices) {
      Optional<DiskHeader> h = readBlock0(d).value();
      if (h.isPresent()) {
        formatted.add(d);
        Duration w = LiveSlots.window(h.get().timing());
        window = w.compareTo(window) > 0 ? w : window;
      }
    }
    if (formatted.isEmpty()) {
      return;
    }
    List<LiveSlots.Advance> live;
    try {
      live = LiveSlots.watch(formatted, n -> true, window, clock);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuorateException(
          ErrorCode.CLOSED, "interrupted while checking for live heartbeats", e);
    }
    if (!live.isEmpty()) {
      throw new QuorateException(
          ErrorCode.REFUSED,
          "live heartbeats within "
              + window.toMillis()
              + " ms: "
              + LiveSlots.describe(live)
              + "; a new header would make every running node of the disk fence itself: stop"
              + " them first, or use --force");
    }
  }

  /** Reads and decodes block 0, whatever it holds. */
  static Decoded<DiskHeader> readBlock0(BlockDevice d) throws IOException {
    ByteBuffer block0 = ByteBuffer.allocate(DiskHeader.BLOCK_SIZE);
    d.read(0, block0);
    block0.flip();
    return RecordCodec.decodeHeader(block0);
  }

  /**
   * Checks that {@code device} may be formatted, writing nothing; returns true if block 0 is all
   * zeros.
   */
  public static boolean check(BlockDevice device, DiskHeader header, boolean force)
      throws IOException {
    header.timing().check();
    long size = device.size();
    if (size < header.requiredBytes()) {
      throw new QuorateException(
          ErrorCode.INVALID_CONFIGURATION,
          device.name()
              + " is "
              + size
              + " bytes, shorter than the layout of "
              + header.slotCount()
              + " slots needs ("
              + header.requiredBytes()
              + " bytes)");
    }
    Decoded<DiskHeader> old = readBlock0(device);
    boolean zero = old.kind() == Decoded.Kind.ZERO;
    if (!force) {
      if (old.isValid() && !old.value().orElseThrow().clusterName().equals(header.clusterName())) {
        throw new QuorateException(
            ErrorCode.REFUSED,
            device.name()
                + " is the quorum disk of cluster '"
                + old.value().orElseThrow().clusterName()
                + "' (disk "
                + old.value().orElseThrow().diskId()
                + "); use --force to overwrite it");
      }
      if (old.kind() == Decoded.Kind.BAD_VERSION) {
        throw new QuorateException(
            ErrorCode.REFUSED,
            device.name()
                + ": "
                + old.detail()
                + "; stop every node still using it, then format it with --force");
      }
      if (!old.isValid() && !zero) {
        throw new QuorateException(
            ErrorCode.REFUSED,
            device.name()
                + " holds data that is not a quorum disk ("
                + old.detail()
                + "); use --force to overwrite it");
      }
    }
    return zero;
  }

  private static void writeLayout(BlockDevice device, DiskHeader header) throws IOException {
    int n = header.slotCount();
    ByteBuffer body = ByteBuffer.allocate(2 * n * DiskHeader.BLOCK_SIZE);
    for (int node = 1; node <= n; node++) {
      body.put(RecordCodec.encodeSlot(header.diskId(), HeartbeatSlot.empty(node)));
    }
    for (int node = 1; node <= n; node++) {
      body.put(
          RecordCodec.encodeMailbox(
              header.diskId(), new MailboxMessage(node, MessageType.CLEAR, 0, 0, 0)));
    }
    body.flip();
    device.write(Layout.slotOffset(1), body);
    device.write(0, RecordCodec.encodeHeader(header));
    DiskHeader back = DiskReader.readHeader(device, header.clusterName());
    if (!back.equals(header)) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, device.name() + ": the header read back differs from the written");
    }
  }
}
