package dev.quorate.qdisk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Reads and validates a disk's header, with a message an operator can act on for each refusal. */
public final class DiskReader {
  private DiskReader() {}

  /**
   * Returns the valid header of {@code device}, checking that the device holds the whole layout
   * and, when {@code cluster} is not null, that it belongs to that cluster.
   */
  public static DiskHeader readHeader(BlockDevice device, String cluster) throws IOException {
    long size = device.size();
    if (size < DiskHeader.BLOCK_SIZE) {
      throw new QuorateException(
          ErrorCode.CORRUPT_DATA,
          device.name()
              + " is "
              + size
              + " bytes, shorter than one "
              + DiskHeader.BLOCK_SIZE
              + "-byte block: not a quorum disk");
    }
    ByteBuffer block = ByteBuffer.allocate(DiskHeader.BLOCK_SIZE);
    device.read(0, block);
    block.flip();
    Decoded<DiskHeader> d = RecordCodec.decodeHeader(block);
    if (!d.isValid()) {
      String hint =
          d.kind() == Decoded.Kind.ZERO
              ? ": the disk is not formatted: format it (the daemon's `format` command), or bring"
                  + " it into a running set with `replace-disk`"
              : ": refusing to use it";
      throw new QuorateException(ErrorCode.CORRUPT_DATA, device.name() + ": " + d.detail() + hint);
    }
    DiskHeader h = d.value().orElseThrow();
    if (size < h.requiredBytes()) {
      throw new QuorateException(
          ErrorCode.CORRUPT_DATA,
          device.name()
              + " is "
              + size
              + " bytes, shorter than the layout of "
              + h.slotCount()
              + " slots needs ("
              + h.requiredBytes()
              + " bytes)");
    }
    if (cluster != null && !cluster.equals(h.clusterName())) {
      throw new QuorateException(
          ErrorCode.CORRUPT_DATA,
          device.name() + " belongs to cluster '" + h.clusterName() + "', not '" + cluster + "'");
    }
    return h;
  }

  /** Reads and decodes one node's slot. */
  public static Decoded<dev.quorate.qdisk.HeartbeatSlot> readSlot(
      BlockDevice device, DiskHeader h, int nodeId) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(DiskHeader.BLOCK_SIZE);
    device.read(Layout.slotOffset(nodeId), b);
    b.flip();
    return RecordCodec.decodeSlot(b, h.diskId(), nodeId);
  }

  /** Reads and decodes one node's mailbox. */
  public static Decoded<dev.quorate.qdisk.MailboxMessage> readMailbox(
      BlockDevice device, DiskHeader h, int nodeId) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(DiskHeader.BLOCK_SIZE);
    device.read(Layout.mailboxOffset(h.slotCount(), nodeId), b);
    b.flip();
    return RecordCodec.decodeMailbox(b, h.diskId(), nodeId);
  }

  /**
   * Writes a message to a mailbox and reads it back; returns true when the read returns exactly
   * what was written.
   */
  public static boolean deliver(
      BlockDevice device, DiskHeader h, dev.quorate.qdisk.MailboxMessage m) throws IOException {
    device.write(
        Layout.mailboxOffset(h.slotCount(), m.target()), RecordCodec.encodeMailbox(h.diskId(), m));
    Decoded<dev.quorate.qdisk.MailboxMessage> back = readMailbox(device, h, m.target());
    return back.value().filter(m::equals).isPresent();
  }

  /** Checks that a node id names a slot of the disk. */
  public static void checkSlot(DiskHeader h, int nodeId, String device) {
    if (nodeId < 1 || nodeId > h.slotCount()) {
      throw new dev.quorate.lock.ConfigurationException(
          "node id "
              + nodeId
              + " is out of range for "
              + device
              + ": it has slots 1 to "
              + h.slotCount());
    }
  }
}
