package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.Decoded.Kind;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RecordCodecTest {
  static final UUID SET = UUID.randomUUID();

  private static final UUID DISK = UUID.randomUUID();

  @Test
  void everyRecordRoundTrips() {
    DiskHeader h =
        new DiskHeader(DiskHeader.CURRENT_VERSION, DISK, SET, "alpha", 16, DiskTiming.defaults());
    assertThat(RecordCodec.decodeHeader(RecordCodec.encodeHeader(h)).value()).contains(h);

    HeartbeatSlot s =
        new HeartbeatSlot(
            7, 3, 99, SlotState.MASTER, 2, true, 7, 4, List.of(1, 7, 255), "test-host");
    assertThat(RecordCodec.decodeSlot(RecordCodec.encodeSlot(DISK, s), DISK, 7).value())
        .contains(s);

    MailboxMessage m = new MailboxMessage(5, MessageType.EVICT, 1, 3, 42);
    assertThat(RecordCodec.decodeMailbox(RecordCodec.encodeMailbox(DISK, m), DISK, 5).value())
        .contains(m);
  }

  @Test
  void aDiskOfTheFormerFormatVersionIsRefusedByNameNotDecoded() {
    Decoded<DiskHeader> d = RecordCodec.decodeHeader(versionOneHeader());
    assertThat(d.kind()).isEqualTo(Kind.BAD_VERSION);
    assertThat(d.detail())
        .isEqualTo(
            "header has format version 1; this build reads version 2 only: format the disk"
                + " again with this build");
  }

  /** A version 1 header: the cluster name where version 2 has the set UUID. */
  static ByteBuffer versionOneHeader() {
    ByteBuffer v1 = ByteBuffer.allocate(RecordCodec.SIZE);
    v1.putLong(RecordCodec.HEADER_MAGIC).putInt(1).putLong(7).putLong(9);
    v1.putInt(16).putLong(1_000_000_000L).putInt(5).putInt(2);
    v1.putShort((short) 5).put("alpha".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(v1.slice(0, RecordCodec.CRC_AT));
    v1.putInt(RecordCodec.CRC_AT, (int) crc.getValue()).clear();
    return v1;
  }

  @Test
  void everySingleBitFlipIsCaughtByTheCrc() {
    ByteBuffer good =
        RecordCodec.encodeSlot(
            DISK, HeartbeatSlot.empty(3).next(SlotState.RUN, 1, true, 1, 1, List.of(1, 3)));
    for (int bit = 64; bit < RecordCodec.SIZE * 8; bit += 97) {
      ByteBuffer b = ByteBuffer.allocate(RecordCodec.SIZE).put(good.duplicate()).flip();
      b.put(bit / 8, (byte) (b.get(bit / 8) ^ (1 << (bit % 8))));
      assertThat(RecordCodec.decodeSlot(b, DISK, 3).kind())
          .as("bit %d", bit)
          .isEqualTo(Kind.BAD_CRC);
    }
  }

  @Test
  void tornWriteOfAnyPrefixIsCaught() {
    ByteBuffer older =
        RecordCodec.encodeSlot(
            DISK,
            new HeartbeatSlot(2, 1, 10, SlotState.RUN, 0, true, 1, 1, List.of(1, 2), "test-host"));
    ByteBuffer newer =
        RecordCodec.encodeSlot(
            DISK,
            new HeartbeatSlot(2, 1, 11, SlotState.RUN, 0, true, 1, 1, List.of(1, 2), "test-host"));
    for (int k = 1; k < 8; k++) {
      ByteBuffer torn = ByteBuffer.allocate(RecordCodec.SIZE);
      torn.put(newer.slice(0, k * 512))
          .put(older.slice(k * 512, RecordCodec.SIZE - k * 512))
          .flip();
      assertThat(RecordCodec.decodeSlot(torn, DISK, 2).kind())
          .as("k=%d", k)
          .isEqualTo(Kind.BAD_CRC);
    }
  }

  @Test
  void foreignZeroAndMisplacedBlocksAreNamed() {
    ByteBuffer slot = RecordCodec.encodeSlot(DISK, HeartbeatSlot.empty(4));
    assertThat(RecordCodec.decodeSlot(slot, UUID.randomUUID(), 4).kind()).isEqualTo(Kind.FOREIGN);
    assertThat(RecordCodec.decodeSlot(slot, DISK, 5).kind()).isEqualTo(Kind.FOREIGN);
    assertThat(RecordCodec.decodeSlot(ByteBuffer.allocate(4096), DISK, 4).kind())
        .isEqualTo(Kind.ZERO);
    assertThat(RecordCodec.decodeHeader(slot).kind()).isEqualTo(Kind.BAD_MAGIC);
  }
}
