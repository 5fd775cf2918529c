package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskClock;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One disk of one node: per heartbeat, one write of the node's own slot, one read of the header and
 * every slot, one read of the node's mailbox. The read covers the header so a disk that was wiped,
 * truncated or re-formatted under a running node stops counting at once.
 */
public final class DiskChannel {
  private final BlockDevice device;
  private final DiskHeader header;
  private final DiskHealthTracker health;

  /** A disk whose header was already validated. */
  public DiskChannel(BlockDevice device, DiskHeader header) {
    this.device = device;
    this.header = header;
    this.health = new DiskHealthTracker(device.name());
  }

  /** The result of one heartbeat on this disk. */
  public record Round(
      boolean renewed,
      List<Decoded<HeartbeatSlot>> slots,
      Decoded<MailboxMessage> mailbox,
      long latencyNanos) {
    /** The decoded slot of {@code nodeId}, or null when the slots could not be read. */
    Decoded<HeartbeatSlot> slot(int nodeId) {
      return slots.isEmpty() ? null : slots.get(nodeId - 1);
    }
  }

  /** Writes {@code mine}, reads everything back; never throws for I/O, it reports. */
  public Round heartbeat(HeartbeatSlot mine, DiskClock clock) {
    long start = clock.nanoTime();
    List<String> errors = new ArrayList<>();
    boolean written = false;
    try {
      device.write(Layout.slotOffset(mine.nodeId()), RecordCodec.encodeSlot(header.diskId(), mine));
      written = true;
    } catch (IOException e) {
      errors.add("write: " + e.getMessage());
    }
    List<Decoded<HeartbeatSlot>> slots = List.of();
    boolean headerOk = false;
    try {
      int n = header.slotCount();
      ByteBuffer all = ByteBuffer.allocate(Layout.headerAndSlotsLength(n));
      device.read(0, all);
      all.flip();
      Decoded<DiskHeader> h = RecordCodec.decodeHeader(all.slice(0, DiskHeader.BLOCK_SIZE));
      headerOk = h.value().filter(header::equals).isPresent();
      if (!headerOk) {
        errors.add("header: " + (h.isValid() ? "changed under a running node" : h.detail()));
      } else {
        slots = new ArrayList<>(n);
        for (int node = 1; node <= n; node++) {
          slots.add(
              RecordCodec.decodeSlot(
                  all.slice(node * DiskHeader.BLOCK_SIZE, DiskHeader.BLOCK_SIZE),
                  header.diskId(),
                  node));
        }
      }
    } catch (IOException e) {
      errors.add("read: " + e.getMessage());
    }
    Decoded<MailboxMessage> mailbox = null;
    if (headerOk) {
      try {
        mailbox = DiskReader.readMailbox(device, header, mine.nodeId());
      } catch (IOException e) {
        errors.add("mailbox: " + e.getMessage());
      }
    }
    // The mailbox counts too: a disk truncated after the slots renewed "fine" while this node
    // could no longer read an eviction on it.
    boolean readBack =
        headerOk && slots.get(mine.nodeId() - 1).value().filter(mine::equals).isPresent();
    boolean verified = written && readBack && mailbox != null;
    if (written && headerOk && !readBack) {
      errors.add("own slot read back differs from the write (lost or torn write)");
    }
    long end = clock.nanoTime();
    long latency = end - start;
    health.record(verified, latency, end, String.join("; ", errors));
    return new Round(verified, slots, mailbox, latency);
  }

  /** Delivers {@code m} (write, read back). */
  public boolean deliver(MailboxMessage m) {
    try {
      return DiskReader.deliver(device, header, m);
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes {@code mine} once, for the final STOPPED record. */
  public void writeOnly(HeartbeatSlot mine) throws IOException {
    device.write(Layout.slotOffset(mine.nodeId()), RecordCodec.encodeSlot(header.diskId(), mine));
  }

  public BlockDevice device() {
    return device;
  }

  public DiskHeader header() {
    return header;
  }

  public DiskHealth health() {
    return health.health();
  }
}
