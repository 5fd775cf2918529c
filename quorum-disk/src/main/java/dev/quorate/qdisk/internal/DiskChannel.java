package dev.quorate.qdisk.internal;

import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One disk of one node: per heartbeat, one read of the node's own slot (a record this process did
 * not write there means a second process with the same node id), one write of it, one read of the
 * header and every slot, one read of the node's mailbox. The read covers the header so a disk that
 * was wiped, truncated or re-formatted under a running node stops counting at once.
 *
 * <p>A disk is written only while its header is verified ("joined"). A disk whose header is bad, at
 * start or later, is read each heartbeat until it holds a header of the same disk set, which it
 * then adopts: that is how {@code replace-disk} brings a new disk into a running set.
 */
public final class DiskChannel {
  private static final Logger LOG = LoggerFactory.getLogger(DiskChannel.class);

  private final BlockDevice device;
  private final DiskIds ids;
  private volatile DiskHeader header;
  private volatile boolean joined;
  private final DiskHealthTracker health;

  /** Reused by every heartbeat; heartbeats of one channel never overlap (the engine joins each). */
  private ByteBuffer headerAndSlots;

  /** A disk whose header was already validated, alone in its node's list. */
  public DiskChannel(BlockDevice device, DiskHeader header) {
    this(device, header, new DiskIds());
  }

  /** A disk whose header was already validated; {@code ids} holds its node's other disks. */
  DiskChannel(BlockDevice device, DiskHeader header, DiskIds ids) {
    this(device, header, ids, true, new DiskHealthTracker(device.name()));
    ids.take(header.diskId(), device.name())
        .ifPresent(
            other -> {
              throw new IllegalArgumentException(
                  device.name() + " and " + other + " are the same disk " + header.diskId());
            });
  }

  private DiskChannel(
      BlockDevice device,
      DiskHeader header,
      DiskIds ids,
      boolean joined,
      DiskHealthTracker health) {
    this.device = device;
    this.header = header;
    this.ids = ids;
    this.joined = joined;
    this.health = health;
  }

  /**
   * A disk whose header was refused at start: nothing is written to it until it holds a header of
   * the set of {@code expected} (a header read from a healthy disk of the set). Shown failing in
   * status from the start; the caller reports the problem.
   */
  static DiskChannel unusable(
      BlockDevice device, DiskHeader expected, DiskIds ids, String problem) {
    DiskHealthTracker health = new DiskHealthTracker(device.name());
    health.recordQuietly(problem);
    return new DiskChannel(device, expected, ids, false, health);
  }

  /**
   * This disk through {@code other} (the same disk, for instance with I/O timeouts): same state.
   */
  DiskChannel through(BlockDevice other) {
    return new DiskChannel(other, header, ids, joined, health);
  }

  /** The result of one heartbeat on this disk. */
  public record Round(
      boolean renewed,
      List<Decoded<HeartbeatSlot>> slots,
      Decoded<MailboxMessage> mailbox,
      long latencyNanos,
      Optional<String> foreignWriter) {
    /** The decoded slot of {@code nodeId}, or null when the slots could not be read. */
    Decoded<HeartbeatSlot> slot(int nodeId) {
      return slots.isEmpty() ? null : slots.get(nodeId - 1);
    }
  }

  /** Writes {@code mine}, reads everything back; never throws for I/O, it reports. */
  public Round heartbeat(HeartbeatSlot mine, MonotonicClock clock) {
    long start = clock.nanoTime();
    List<String> errors = new ArrayList<>();
    if (!joined && !join(errors)) {
      return report(start, clock, false, List.of(), null, Optional.empty(), errors);
    }
    Optional<String> foreign = Optional.empty();
    try {
      Decoded<HeartbeatSlot> own = DiskReader.readSlot(device, header, mine.nodeId());
      if (own.isValid() && SlotOwnership.foreign(own.value().get(), mine)) {
        foreign = Optional.of(SlotOwnership.conflict(device.name(), mine, own.value().get()));
      }
    } catch (IOException e) {
      errors.add("read own slot: " + e.getMessage());
    }
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
      ByteBuffer all = headerAndSlots(Layout.headerAndSlotsLength(n));
      device.read(0, all);
      all.flip();
      Decoded<DiskHeader> h = RecordCodec.decodeHeader(all.slice(0, DiskHeader.BLOCK_SIZE));
      headerOk = h.value().filter(header::equals).isPresent();
      if (!headerOk) {
        if (h.isValid() && header.sameSet(h.value().get())) {
          // Re-formatted into this set by replace-disk: this round's write carried the old disk
          // UUID, so it does not count; the next one writes with the new.
          if (adopt(h.value().get(), errors)) {
            errors.add("header: replaced by disk " + header.diskId() + " of the same set");
          }
        } else {
          joined = false;
          errors.add(
              "header: "
                  + (h.isValid() ? changed(h.value().get()) : h.detail())
                  + "; not written until it holds a header of disk set "
                  + header.setId());
        }
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
    return report(start, clock, verified, slots, mailbox, foreign, errors);
  }

  /**
   * The buffer of the read of the header and every slot, reused and off the heap: 1 MiB at 255
   * slots, every interval, would otherwise be a humongous allocation per heartbeat.
   */
  private ByteBuffer headerAndSlots(int len) {
    if (headerAndSlots == null || headerAndSlots.capacity() < len) {
      headerAndSlots = FileBlockDevice.alignedBuffer(len);
    }
    return headerAndSlots.clear().limit(len);
  }

  private Round report(
      long start,
      MonotonicClock clock,
      boolean verified,
      List<Decoded<HeartbeatSlot>> slots,
      Decoded<MailboxMessage> mailbox,
      Optional<String> foreign,
      List<String> errors) {
    long end = clock.nanoTime();
    long latency = end - start;
    health.record(verified, latency, end, String.join("; ", errors));
    return new Round(verified, slots, mailbox, latency, foreign);
  }

  /** Reads the header of a disk not written to; adopts it if it is one of the set. */
  private boolean join(List<String> errors) {
    try {
      ByteBuffer b = ByteBuffer.allocate(DiskHeader.BLOCK_SIZE);
      device.read(0, b);
      b.flip();
      Decoded<DiskHeader> h = RecordCodec.decodeHeader(b);
      if (h.isValid() && (h.value().get().equals(header) || header.sameSet(h.value().get()))) {
        return adopt(h.value().get(), errors);
      }
      errors.add(
          "header: "
              + (h.isValid() ? changed(h.value().get()) : h.detail())
              + "; not written until it holds a header of disk set "
              + header.setId());
    } catch (IOException e) {
      errors.add("read: " + e.getMessage());
    }
    return false;
  }

  /**
   * Counts the disk as the one {@code h} names, unless another disk of this node already counts as
   * it (two paths to one disk): then the disk is not written until its header changes.
   */
  private boolean adopt(DiskHeader h, List<String> errors) {
    Optional<String> twice = ids.take(h.diskId(), device.name());
    if (twice.isPresent()) {
      joined = false;
      errors.add(
          "header: disk "
              + h.diskId()
              + " is "
              + twice.get()
              + " too (two paths to one disk?); not counted or written as a second disk");
      return false;
    }
    if (!h.equals(header)) {
      LOG.warn(
          "{}: now disk {} of set {} (was disk {}): using it again",
          device.name(),
          h.diskId(),
          h.setId(),
          header.diskId());
    } else {
      LOG.warn("{}: its header is valid again: using it again", device.name());
    }
    header = h;
    joined = true;
    return true;
  }

  private String changed(DiskHeader h) {
    return "changed under a running node: now disk "
        + h.diskId()
        + " of set "
        + h.setId()
        + ", cluster '"
        + h.clusterName()
        + "'";
  }

  /** Delivers {@code m} (write, read back); false on a disk not written to. */
  public boolean deliver(MailboxMessage m) {
    if (!joined) {
      return false;
    }
    try {
      return DiskReader.deliver(device, header, m);
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes {@code mine} once (the claim, the final STOPPED record). */
  public void writeOnly(HeartbeatSlot mine) throws IOException {
    if (!joined) {
      throw new IOException(device.name() + ": header not verified; nothing written");
    }
    device.write(Layout.slotOffset(mine.nodeId()), RecordCodec.encodeSlot(header.diskId(), mine));
  }

  /** Whether this node writes the disk: its header is one of the set. */
  public boolean joined() {
    return joined;
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
