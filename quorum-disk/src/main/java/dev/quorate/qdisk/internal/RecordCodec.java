package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.Decoded.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes the three records, each one 4096-byte block: magic (8), version (4), disk
 * UUID (16), the record's fields, and a CRC32C of everything before it in the last 4 bytes. Version
 * 2 put the disk set's UUID first in the header's fields and the writer's host label last in the
 * slot's; a block of another version is refused by name, never decoded field by field. The CRC sits
 * at the end of the block on purpose: a write torn after k x 512 bytes leaves the old CRC behind
 * new leading bytes, so it can never pass as valid.
 */
public final class RecordCodec {
  static final int SIZE = DiskHeader.BLOCK_SIZE;
  static final int CRC_AT = SIZE - 4;
  private static final int FIELDS_AT = 28;

  public static final long HEADER_MAGIC = magic("QRTDISK1");
  public static final long SLOT_MAGIC = magic("QRTSLOT1");
  public static final long MAILBOX_MAGIC = magic("QRTMBOX1");

  private RecordCodec() {}

  private static long magic(String eight) {
    return ByteBuffer.wrap(eight.getBytes(StandardCharsets.US_ASCII)).getLong();
  }

  /** Encodes the header into a new 4096-byte buffer, positioned at 0. */
  public static ByteBuffer encodeHeader(DiskHeader h) {
    ByteBuffer b = prefix(HEADER_MAGIC, h.version(), h.diskId());
    DiskTiming t = h.timing();
    b.putLong(h.setId().getMostSignificantBits()).putLong(h.setId().getLeastSignificantBits());
    b.putInt(h.slotCount());
    b.putLong(t.interval().toNanos()).putInt(t.tko()).putInt(t.tkoUp());
    b.putLong(t.ioTimeout().toNanos()).putLong(t.renewalDeadline().toNanos());
    b.putLong(t.msgwait().toNanos());
    byte[] name = h.clusterName().getBytes(StandardCharsets.UTF_8);
    b.putShort((short) name.length).put(name);
    return seal(b);
  }

  /** Decodes a header block; the UUID is whatever the block holds. */
  public static Decoded<DiskHeader> decodeHeader(ByteBuffer block) {
    ByteBuffer b = block.slice(block.position(), SIZE);
    Decoded<DiskHeader> bad = check(b, HEADER_MAGIC, "header", null);
    if (bad != null) {
      return bad;
    }
    UUID id = new UUID(b.getLong(12), b.getLong(20));
    b.position(FIELDS_AT);
    try {
      UUID set = new UUID(b.getLong(), b.getLong());
      int slots = b.getInt();
      DiskTiming timing =
          new DiskTiming(
              Duration.ofNanos(b.getLong()),
              b.getInt(),
              b.getInt(),
              Duration.ofNanos(b.getLong()),
              Duration.ofNanos(b.getLong()),
              Duration.ofNanos(b.getLong()));
      int len = b.getShort();
      if (len < 1 || len > 64) {
        return Decoded.bad(Kind.BAD_FIELD, "header cluster name length " + len + " not in 1..64");
      }
      byte[] name = new byte[len];
      b.get(name);
      return Decoded.valid(
          new DiskHeader(
              b.getInt(8), id, set, new String(name, StandardCharsets.UTF_8), slots, timing));
    } catch (RuntimeException e) {
      return Decoded.bad(Kind.BAD_FIELD, "header field invalid: " + e.getMessage());
    }
  }

  /** Encodes a heartbeat slot for the disk {@code diskId}. */
  public static ByteBuffer encodeSlot(UUID diskId, HeartbeatSlot s) {
    ByteBuffer b = prefix(SLOT_MAGIC, DiskHeader.CURRENT_VERSION, diskId);
    b.putInt(s.nodeId()).putLong(s.incarnation()).putLong(s.sequence());
    b.put((byte) s.state().code()).putInt(s.score()).put((byte) (s.eligible() ? 1 : 0));
    b.putInt(s.vote()).putLong(s.term());
    UpNodes.write(s.upNodes(), b);
    byte[] host = s.host().getBytes(StandardCharsets.UTF_8);
    b.putShort((short) host.length).put(host);
    return seal(b);
  }

  /** Decodes the slot of node {@code nodeId} of disk {@code diskId}. */
  public static Decoded<HeartbeatSlot> decodeSlot(ByteBuffer block, UUID diskId, int nodeId) {
    ByteBuffer b = block.slice(block.position(), SIZE);
    Decoded<HeartbeatSlot> bad = check(b, SLOT_MAGIC, "slot " + nodeId, diskId);
    if (bad != null) {
      return bad;
    }
    b.position(FIELDS_AT);
    int owner = b.getInt();
    if (owner != nodeId) {
      return Decoded.bad(Kind.FOREIGN, "slot " + nodeId + " holds a record of node " + owner);
    }
    try {
      long incarnation = b.getLong();
      long sequence = b.getLong();
      SlotState state = SlotState.fromCode(b.get());
      int score = b.getInt();
      boolean eligible = b.get() != 0;
      int vote = b.getInt();
      long term = b.getLong();
      List<Integer> up = UpNodes.read(b);
      int hostLength = b.getShort();
      if (hostLength < 0 || hostLength > HeartbeatSlot.MAX_HOST_BYTES) {
        return Decoded.bad(
            Kind.BAD_FIELD,
            "slot " + nodeId + " host label length " + hostLength + " not in 0..64");
      }
      byte[] host = new byte[hostLength];
      b.get(host);
      return Decoded.valid(
          new HeartbeatSlot(
              owner,
              incarnation,
              sequence,
              state,
              score,
              eligible,
              vote,
              term,
              up,
              new String(host, StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      return Decoded.bad(Kind.BAD_FIELD, "slot " + nodeId + " field invalid: " + e.getMessage());
    }
  }

  /** Encodes a mailbox message for the disk {@code diskId}. */
  public static ByteBuffer encodeMailbox(UUID diskId, MailboxMessage m) {
    ByteBuffer b = prefix(MAILBOX_MAGIC, DiskHeader.CURRENT_VERSION, diskId);
    b.putInt(m.target()).put((byte) m.type().code()).putInt(m.sender());
    b.putLong(m.targetIncarnation()).putLong(m.messageId());
    return seal(b);
  }

  /** Decodes the mailbox of node {@code nodeId} of disk {@code diskId}. */
  public static Decoded<MailboxMessage> decodeMailbox(ByteBuffer block, UUID diskId, int nodeId) {
    ByteBuffer b = block.slice(block.position(), SIZE);
    Decoded<MailboxMessage> bad = check(b, MAILBOX_MAGIC, "mailbox " + nodeId, diskId);
    if (bad != null) {
      return bad;
    }
    b.position(FIELDS_AT);
    int target = b.getInt();
    if (target != nodeId) {
      return Decoded.bad(Kind.FOREIGN, "mailbox " + nodeId + " holds a message for " + target);
    }
    try {
      MessageType type = MessageType.fromCode(b.get());
      return Decoded.valid(new MailboxMessage(target, type, b.getInt(), b.getLong(), b.getLong()));
    } catch (RuntimeException e) {
      return Decoded.bad(Kind.BAD_FIELD, "mailbox " + nodeId + " invalid: " + e.getMessage());
    }
  }

  private static ByteBuffer prefix(long magic, int version, UUID diskId) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putLong(magic).putInt(version);
    b.putLong(diskId.getMostSignificantBits()).putLong(diskId.getLeastSignificantBits());
    return b;
  }

  private static ByteBuffer seal(ByteBuffer b) {
    b.putInt(CRC_AT, crc(b));
    b.clear();
    return b;
  }

  private static int crc(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.slice(0, CRC_AT));
    return (int) crc.getValue();
  }

  private static <T> Decoded<T> check(ByteBuffer b, long magic, String what, UUID diskId) {
    if (isZero(b)) {
      return Decoded.bad(Kind.ZERO, what + " is all zeros (never written, or the disk was wiped)");
    }
    long found = b.getLong(0);
    if (found != magic) {
      return Decoded.bad(
          Kind.BAD_MAGIC,
          what
              + " has magic 0x"
              + Long.toHexString(found)
              + ", expected 0x"
              + Long.toHexString(magic)
              + ": not a Quorate quorum disk record");
    }
    int stored = b.getInt(CRC_AT);
    int actual = crc(b);
    if (stored != actual) {
      return Decoded.bad(
          Kind.BAD_CRC,
          what
              + " fails its CRC32C (stored 0x"
              + Integer.toHexString(stored)
              + ", computed 0x"
              + Integer.toHexString(actual)
              + "): torn or corrupted write");
    }
    int version = b.getInt(8);
    if (version != DiskHeader.CURRENT_VERSION) {
      return Decoded.bad(
          Kind.BAD_VERSION,
          what
              + " has format version "
              + version
              + "; this build reads version "
              + DiskHeader.CURRENT_VERSION
              + " only: format the disk again with this build");
    }
    if (diskId != null) {
      UUID id = new UUID(b.getLong(12), b.getLong(20));
      if (!id.equals(diskId)) {
        return Decoded.bad(Kind.FOREIGN, what + " belongs to disk " + id + ", not " + diskId);
      }
    }
    return null;
  }

  static boolean isZero(ByteBuffer b) {
    for (int i = 0; i < SIZE; i += 8) {
      if (b.getLong(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
