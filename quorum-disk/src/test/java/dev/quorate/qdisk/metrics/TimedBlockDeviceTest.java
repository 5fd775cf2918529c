package dev.quorate.qdisk.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.qdisk.BlockDevice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every read and write of a real file is timed, failures apart from successes. */
@Timeout(10)
class TimedBlockDeviceTest {
  @TempDir Path dir;

  @Test
  void readsWritesAndFailuresAreTimedPerDiskOpAndOutcome() throws IOException {
    Path file = dir.resolve("disk");
    Files.write(file, new byte[8 * 4096]);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (BlockDevice disk = QuorumDiskMetrics.timed(BlockDevice.open(file), registry)) {
      disk.write(0, block());
      disk.write(4096, block());
      disk.read(0, block());
      assertThatThrownBy(() -> disk.read(-4096, block())).isInstanceOf(Exception.class);
      assertThat(count(registry, disk.name(), "read", "error")).isEqualTo(1);
      assertThat(count(registry, disk.name(), "write", "ok")).isEqualTo(2);
      assertThat(count(registry, disk.name(), "read", "ok")).isEqualTo(1);
    }
  }

  /** One block, aligned as direct I/O needs. */
  private static ByteBuffer block() {
    return ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096).limit(4096);
  }

  private static long count(SimpleMeterRegistry registry, String disk, String op, String outcome) {
    return registry
        .get("qdisk.io")
        .tags("disk", disk, "op", op, "outcome", outcome)
        .timer()
        .count();
  }
}
