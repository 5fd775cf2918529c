package dev.quorate.qdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.internal.Layout;
import dev.quorate.qdisk.internal.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class DiskSnapshotTest {
  @TempDir Path dir;

  @Test
  void aReadOnlyDeviceShowsEverySlotAndRefusesToWrite() throws Exception {
    Path file = dir.resolve("disk");
    Files.write(file, new byte[(1 + 2 * 4) * DiskHeader.BLOCK_SIZE]);
    DiskHeader header =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION,
            UUID.randomUUID(),
            UUID.randomUUID(),
            "alpha",
            4,
            DiskTiming.defaults());
    HeartbeatSlot two = HeartbeatSlot.empty(2).next(SlotState.RUN, 1, true, 1, 7, List.of(1, 2));
    try (BlockDevice disk = BlockDevice.open(file)) {
      QuorumDisk.format(disk, header, false);
      disk.write(Layout.slotOffset(2), RecordCodec.encodeSlot(header.diskId(), two));
      ByteBuffer torn = RecordCodec.encodeSlot(header.diskId(), HeartbeatSlot.empty(4));
      torn.put(100, (byte) (torn.get(100) ^ 1));
      disk.write(Layout.slotOffset(4), torn);
    }
    byte[] before = Files.readAllBytes(file);

    try (BlockDevice disk = BlockDevice.openReadOnly(file)) {
      DiskSnapshot snapshot = DiskSnapshot.read(disk);

      assertThat(snapshot.header()).isEqualTo(header);
      assertThat(snapshot.slot(2)).contains(two);
      assertThat(snapshot.slot(3).map(HeartbeatSlot::state)).contains(SlotState.EMPTY);
      assertThat(snapshot.slot(4)).isEmpty(); // its CRC does not match
      assertThat(snapshot.slots().keySet()).containsExactly(1, 2, 3);
      assertThatThrownBy(() -> disk.write(0, ByteBuffer.allocate(DiskHeader.BLOCK_SIZE)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("read-only");
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void anUnformattedDiskIsRefusedWithItsName() throws Exception {
    Path file = dir.resolve("blank");
    Files.write(file, new byte[9 * DiskHeader.BLOCK_SIZE]);
    try (BlockDevice disk = BlockDevice.openReadOnly(file)) {
      assertThatThrownBy(() -> DiskSnapshot.read(disk))
          .isInstanceOf(QuorateException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("not formatted");
    }
  }
}
