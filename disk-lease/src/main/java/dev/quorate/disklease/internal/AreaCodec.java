package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The lease area's five records, each one 4096-byte block: magic (8), version (4), area id (16),
 * fields, and a CRC32C of everything before it in the last 4 bytes, so a write torn after any
 * sector can never pass as valid. A block of zeros or of another area id reads as empty.
 *
 * <p>A record whose fields fit in the first 512-byte sector (every delta lease, and a slot value of
 * up to {@link #SECTOR_HOLDERS} holders) also carries a CRC32C of that sector in its last 4 bytes.
 * Disks write a sector whole or not at all, so a block whose full CRC fails but whose first sector
 * checks out is a torn write: its first sector is either the old record or the new one, each of
 * which a write that failed may leave behind, and it reads as that record. The algorithms then
 * treat it as any record (a held delta lease is watched for host_expiry before it is taken) and its
 * owner's next write repairs the block. Any other bad CRC or field is corrupt (an {@link
 * IOException}: the disk failed this read).
 */
public final class AreaCodec {
  static final int SIZE = LeaseArea.BLOCK_SIZE;
  private static final int CRC_AT = SIZE - 4;
  private static final int SECTOR = 512;
  private static final int SECTOR_CRC_AT = SECTOR - 4;
  private static final int FIELDS_AT = 28;

  /** 3 added the request blocks of each resource slot (and moved the slots); 2 is refused. */
  private static final int VERSION = 3;

  private static final int MAX_OWNER_BYTES = 64;

  /**
   * The most holders a slot value may name and still fit, in a ballot block (the larger of the two
   * kinds: host id, lver, mbal, bal, then the value's lver, mode and count, 39 bytes), in the first
   * sector; a torn block of a larger value is corrupt.
   */
  static final int SECTOR_HOLDERS = (SECTOR_CRC_AT - FIELDS_AT - 39) / (Integer.BYTES + Long.BYTES);

  private static final long HEADER_MAGIC = magic("QRTLEAS1");
  private static final long DELTA_MAGIC = magic("QRTDELT1");
  private static final long LEADER_MAGIC = magic("QRTLEAD1");
  private static final long BALLOT_MAGIC = magic("QRTBALL1");
  private static final long REQUEST_MAGIC = magic("QRTREQU1");

  private AreaCodec() {}

  private static long magic(String eight) {
    return ByteBuffer.wrap(eight.getBytes(StandardCharsets.US_ASCII)).getLong();
  }

  /**
   * Encodes the area header.
   *
   * @param area the area
   * @return a new block positioned at 0
   */
  public static ByteBuffer encodeHeader(LeaseArea area) {
    ByteBuffer b = prefix(HEADER_MAGIC, area.areaId());
    b.putInt(area.hostSlots()).putInt(area.resourceSlots());
    LeaseTiming t = area.timing();
    b.putLong(t.ioTimeout().toNanos()).putLong(t.renewalInterval().toNanos());
    b.putLong(t.renewalDeadline().toNanos()).putLong(t.hostExpiry().toNanos());
    return seal(b);
  }

  /**
   * Decodes the area header.
   *
   * @param block the block
   * @param disk the disk's name, for messages
   * @return the area
   * @throws QuorateException with {@link ErrorCode#CORRUPT_DATA} naming the disk and the fault
   */
  public static LeaseArea decodeHeader(ByteBuffer block, String disk) {
    ByteBuffer b = block.slice(block.position(), SIZE);
    if (b.getLong(0) != HEADER_MAGIC) {
      throw corrupt(disk, "block 0 holds no lease area header (formatted with LeaseArea.format?)");
    }
    if (!crcMatches(b, CRC_AT)) {
      throw corrupt(disk, "the lease area header's CRC32C does not match (damaged header)");
    }
    if (b.getInt(8) != VERSION) {
      throw corrupt(
          disk,
          "lease area version "
              + b.getInt(8)
              + ", this build reads "
              + VERSION
              + " (version 2 has no request blocks: stop its hosts and format the area again)");
    }
    UUID id = new UUID(b.getLong(12), b.getLong(20));
    b.position(FIELDS_AT);
    int hosts = b.getInt();
    int slots = b.getInt();
    LeaseTiming timing =
        new LeaseTiming(
            Duration.ofNanos(b.getLong()),
            Duration.ofNanos(b.getLong()),
            Duration.ofNanos(b.getLong()),
            Duration.ofNanos(b.getLong()));
    try {
      return new LeaseArea(id, hosts, slots, timing);
    } catch (QuorateException e) {
      throw corrupt(disk, "the lease area header holds invalid settings: " + e.getMessage());
    }
  }

  static ByteBuffer encodeDelta(UUID area, DeltaRecord r) {
    ByteBuffer b = prefix(DELTA_MAGIC, area);
    b.putInt(r.hostId()).putLong(r.generation()).putLong(r.sequence());
    b.put((byte) (r.released() ? 1 : 0));
    b.putLong(r.instance().getMostSignificantBits())
        .putLong(r.instance().getLeastSignificantBits());
    byte[] owner = r.owner().getBytes(StandardCharsets.UTF_8);
    b.putShort((short) owner.length).put(owner);
    return seal(b);
  }

  static Optional<DeltaRecord> decodeDelta(ByteBuffer block, UUID area, int hostId, String where)
      throws IOException {
    ByteBuffer b = ours(block, area, DELTA_MAGIC, where);
    if (b == null) {
      return Optional.empty();
    }
    int id = b.getInt();
    long generation = b.getLong();
    long sequence = b.getLong();
    boolean released = b.get() == 1;
    UUID instance = new UUID(b.getLong(), b.getLong());
    int len = b.getShort();
    if (id != hostId || len < 0 || len > MAX_OWNER_BYTES) {
      throw new IOException(where + ": delta lease of host " + id + " (owner length " + len + ")");
    }
    byte[] owner = new byte[len];
    b.get(owner);
    requireWhole(b, where);
    return Optional.of(
        new DeltaRecord(
            id,
            generation,
            sequence,
            released,
            instance,
            new String(owner, StandardCharsets.UTF_8)));
  }

  static ByteBuffer encodeLeader(UUID area, LeaseValue value) {
    ByteBuffer b = prefix(LEADER_MAGIC, area);
    putValue(b, value);
    return seal(b);
  }

  static Optional<LeaseValue> decodeLeader(ByteBuffer block, UUID area, String where)
      throws IOException {
    ByteBuffer b = ours(block, area, LEADER_MAGIC, where);
    if (b == null) {
      return Optional.empty();
    }
    LeaseValue value = getValue(b, where);
    requireWhole(b, where);
    return Optional.of(value);
  }

  static ByteBuffer encodeBallot(UUID area, Ballot ballot) {
    ByteBuffer b = prefix(BALLOT_MAGIC, area);
    b.putInt(ballot.hostId()).putLong(ballot.lver()).putLong(ballot.mbal()).putLong(ballot.bal());
    putValue(b, ballot.value());
    return seal(b);
  }

  static Optional<Ballot> decodeBallot(ByteBuffer block, UUID area, int hostId, String where)
      throws IOException {
    ByteBuffer b = ours(block, area, BALLOT_MAGIC, where);
    if (b == null) {
      return Optional.empty();
    }
    int id = b.getInt();
    if (id != hostId) {
      throw new IOException(where + ": ballot block of host " + hostId + " holds host " + id);
    }
    Ballot ballot = new Ballot(id, b.getLong(), b.getLong(), b.getLong(), getValue(b, where));
    requireWhole(b, where);
    return Optional.of(ballot);
  }

  static ByteBuffer encodeRequest(UUID area, SlotRequest r) {
    ByteBuffer b = prefix(REQUEST_MAGIC, area);
    b.putInt(r.hostId()).putLong(r.generation()).put((byte) r.mode().ordinal()).putLong(r.ticket());
    return seal(b);
  }

  static Optional<SlotRequest> decodeRequest(ByteBuffer block, UUID area, int hostId, String where)
      throws IOException {
    ByteBuffer b = ours(block, area, REQUEST_MAGIC, where);
    if (b == null) {
      return Optional.empty();
    }
    int id = b.getInt();
    long generation = b.getLong();
    int mode = b.get();
    long ticket = b.getLong();
    if (id != hostId || mode < 0 || mode >= LeaseValue.SlotMode.values().length || ticket < 1) {
      throw new IOException(
          where + ": request block of host " + hostId + " holds host " + id + " mode " + mode);
    }
    return Optional.of(new SlotRequest(id, generation, LeaseValue.SlotMode.values()[mode], ticket));
  }

  /** The largest number of holders a value can carry in one block. */
  static int maxHolders() {
    return (CRC_AT - FIELDS_AT - 64) / (Integer.BYTES + Long.BYTES);
  }

  private static void putValue(ByteBuffer b, LeaseValue v) {
    b.putLong(v.lver()).put((byte) v.mode().ordinal()).putShort((short) v.holders().size());
    for (LeaseValue.Holder h : v.holders()) {
      b.putInt(h.hostId()).putLong(h.generation());
    }
  }

  private static LeaseValue getValue(ByteBuffer b, String where) throws IOException {
    long lver = b.getLong();
    int mode = b.get();
    int count = b.getShort();
    if (mode < 0
        || mode >= LeaseValue.SlotMode.values().length
        || count < 0
        || count > maxHolders()) {
      throw new IOException(where + ": lease value mode " + mode + " with " + count + " holders");
    }
    List<LeaseValue.Holder> holders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      holders.add(new LeaseValue.Holder(b.getInt(), b.getLong()));
    }
    try {
      return new LeaseValue(lver, LeaseValue.SlotMode.values()[mode], holders);
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the block positioned at its fields, or null when it is empty or of another area. A torn
   * block (full CRC bad, first sector's good) comes back limited to its first sector, so that a
   * field reaching past it fails to decode.
   */
  private static ByteBuffer ours(ByteBuffer block, UUID area, long magic, String where)
      throws IOException {
    ByteBuffer b = block.slice(block.position(), SIZE);
    long found = b.getLong(0);
    UUID id = new UUID(b.getLong(12), b.getLong(20));
    if (found == 0 || !id.equals(area)) {
      return null; // never written, or left over from another area
    }
    if (!crcMatches(b, CRC_AT)) {
      if (!crcMatches(b, SECTOR_CRC_AT)) {
        throw new IOException(where + ": CRC32C mismatch (damaged block, first sector too)");
      }
      b.limit(SECTOR_CRC_AT); // torn after its first sector: that sector is a whole record
    }
    if (found != magic || b.getInt(8) != VERSION) {
      throw new IOException(where + ": unexpected record type or version");
    }
    return b.position(FIELDS_AT);
  }

  /** Fails a torn block whose record did not fit in its first sector. */
  private static void requireWhole(ByteBuffer b, String where) throws IOException {
    if (b.limit() == SECTOR_CRC_AT && b.position() > SECTOR_CRC_AT) {
      throw new IOException(where + ": CRC32C mismatch (torn write of a record past one sector)");
    }
  }

  private static ByteBuffer prefix(long magic, UUID area) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putLong(magic).putInt(VERSION);
    b.putLong(area.getMostSignificantBits()).putLong(area.getLeastSignificantBits());
    return b;
  }

  private static ByteBuffer seal(ByteBuffer b) {
    if (b.position() <= SECTOR_CRC_AT) {
      b.putInt(SECTOR_CRC_AT, crc(b, SECTOR_CRC_AT));
    }
    b.putInt(CRC_AT, crc(b, CRC_AT));
    return b.position(0);
  }

  private static int crc(ByteBuffer b, int length) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), b.arrayOffset(), length);
    return (int) crc.getValue();
  }

  private static boolean crcMatches(ByteBuffer b, int at) {
    return b.getInt(at) == crc(b, at);
  }

  private static QuorateException corrupt(String disk, String what) {
    return new QuorateException(ErrorCode.CORRUPT_DATA, "lease disk " + disk + ": " + what);
  }
}
