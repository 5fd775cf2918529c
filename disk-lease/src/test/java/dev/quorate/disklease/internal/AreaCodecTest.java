package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AreaCodecTest {
  private static final UUID AREA = UUID.randomUUID();
  private static final int SECTOR = 512;

  /** The new block's first {@code sectors} sectors over the old block: a write torn there. */
  private static ByteBuffer torn(ByteBuffer older, ByteBuffer newer, int sectors) {
    ByteBuffer b = ByteBuffer.allocate(AreaCodec.SIZE);
    b.put(newer.duplicate().limit(sectors * SECTOR));
    b.put(older.duplicate().position(sectors * SECTOR));
    return b.flip();
  }

  @Test
  void aDeltaLeaseTornAfterAnySectorReadsAsTheOldOrTheNewRecordNeverAsFree() throws Exception {
    DeltaRecord old = new DeltaRecord(3, 4, 10, false, UUID.randomUUID(), "node-a");
    DeltaRecord next = new DeltaRecord(3, 5, 1, false, UUID.randomUUID(), "node-b");
    ByteBuffer before = AreaCodec.encodeDelta(AREA, old);
    ByteBuffer after = AreaCodec.encodeDelta(AREA, next);
    for (int sectors = 1; sectors < AreaCodec.SIZE / SECTOR; sectors++) {
      assertThat(AreaCodec.decodeDelta(torn(before, after, sectors), AREA, 3, "disk"))
          .as("torn after %d sectors", sectors)
          .contains(next);
    }
    ByteBuffer neverWritten = ByteBuffer.allocate(AreaCodec.SIZE);
    for (int sectors = 1; sectors < AreaCodec.SIZE / SECTOR; sectors++) {
      assertThat(AreaCodec.decodeDelta(torn(neverWritten, after, sectors), AREA, 3, "disk"))
          .as("first write torn after %d sectors", sectors)
          .contains(next);
    }
  }

  @Test
  void aFirstSectorDamagedInsideIsCorruptNotARecord() {
    ByteBuffer block =
        AreaCodec.encodeDelta(AREA, new DeltaRecord(2, 1, 1, false, UUID.randomUUID(), "n"));
    block.put(40, (byte) (block.get(40) ^ 1));
    assertThatThrownBy(() -> AreaCodec.decodeDelta(block, AREA, 2, "disk 0 block 2"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("disk 0 block 2")
        .hasMessageContaining("first sector too");
  }

  @Test
  void aTornValueTooLargeForOneSectorIsCorrupt() throws Exception {
    List<Holder> many = new ArrayList<>();
    for (int h = 1; h <= AreaCodec.SECTOR_HOLDERS + 1; h++) {
      many.add(new Holder(h, 1));
    }
    LeaseValue fits = new LeaseValue(7, SlotMode.SHARED, many.subList(0, many.size() - 1));
    LeaseValue large = new LeaseValue(8, SlotMode.SHARED, many);
    ByteBuffer before = AreaCodec.encodeBallot(AREA, new Ballot(1, 7, 252, 252, fits));
    Ballot fitting = new Ballot(1, 8, 253, 253, fits);
    assertThat(
            AreaCodec.decodeBallot(
                torn(before, AreaCodec.encodeBallot(AREA, fitting), 1), AREA, 1, "disk"))
        .contains(fitting);
    ByteBuffer tooLarge = AreaCodec.encodeBallot(AREA, new Ballot(1, 8, 253, 253, large));
    assertThatThrownBy(() -> AreaCodec.decodeBallot(torn(before, tooLarge, 1), AREA, 1, "disk"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CRC32C");
  }
}
