package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class LeaseAreaTest {
  @TempDir Path dir;

  private BlockDevice file(long size) throws Exception {
    Path p = dir.resolve("disk");
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
    return BlockDevice.open(p);
  }

  @Test
  void aFormattedAreaReadsBack() throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.defaults());
    try (BlockDevice disk = file(area.sizeBytes())) {
      area.format(disk);
      assertThat(LeaseArea.read(disk)).isEqualTo(area);
    }
  }

  @Test
  void aDamagedHeaderIsRefusedNamingTheDisk() throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.defaults());
    try (BlockDevice disk = file(area.sizeBytes())) {
      area.format(disk);
      ByteBuffer block = ByteBuffer.allocate(LeaseArea.BLOCK_SIZE);
      disk.read(0, block);
      block.put(40, (byte) (block.get(40) ^ 1));
      disk.write(0, block.flip());
      assertThatThrownBy(() -> LeaseArea.read(disk))
          .isInstanceOf(QuorateException.class)
          .hasMessageContaining(disk.name())
          .hasMessageContaining("CRC32C")
          .extracting(e -> ((QuorateException) e).code())
          .isEqualTo(ErrorCode.CORRUPT_DATA);
    }
  }

  @Test
  void anUnformattedDiskAndATooSmallDiskAreRefused() throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.defaults());
    try (BlockDevice disk = file(area.sizeBytes() - LeaseArea.BLOCK_SIZE)) {
      assertThatThrownBy(() -> LeaseArea.read(disk))
          .hasMessageContaining("holds no lease area header");
      assertThatThrownBy(() -> area.format(disk))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("needs " + area.sizeBytes());
    }
  }

  @Test
  void countsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> LeaseArea.create(0, 16, LeaseTiming.defaults()))
        .hasMessageContaining("host slots 0 not in 1..250");
    assertThatThrownBy(() -> LeaseArea.create(4, 0, LeaseTiming.defaults()))
        .hasMessageContaining("resource slots 0 not in 1..65536");
  }
}
