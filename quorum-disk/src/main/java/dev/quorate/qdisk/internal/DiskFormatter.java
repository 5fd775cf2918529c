package dev.quorate.qdisk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes a fresh layout. Checks everything before the first write, so a refusal writes nothing;
 * then wipes the old header, writes every slot and mailbox, and writes the new header last: a
 * format cut short leaves a disk without a header, which every command refuses.
 */
public final class DiskFormatter {
  private DiskFormatter() {}

  /** Formats {@code device} with {@code header}; {@code force} overwrites foreign data. */
  public static void format(BlockDevice device, DiskHeader header, boolean force)
      throws IOException {
    boolean zero = check(device, header, force);
    if (!zero) {
      device.write(0, ByteBuffer.allocate(DiskHeader.BLOCK_SIZE));
    }
    writeLayout(device, header);
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
    ByteBuffer block0 = ByteBuffer.allocate(DiskHeader.BLOCK_SIZE);
    device.read(0, block0);
    block0.flip();
    Decoded<DiskHeader> old = RecordCodec.decodeHeader(block0);
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
