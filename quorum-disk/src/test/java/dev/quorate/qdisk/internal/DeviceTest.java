package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class DeviceTest {
  static final UUID SET = UUID.randomUUID();

  @TempDir Path dir;

  @Test
  void fileDeviceFormatsAndReadsBackWithDirectIoWhereAllowed() throws Exception {
    Path file = dir.resolve("disk");
    Files.write(file, new byte[(1 + 2 * 8) * 4096]);
    try (FileBlockDevice dev = FileBlockDevice.open(file, true)) {
      DiskHeader h =
          new DiskHeader(
              DiskHeader.CURRENT_VERSION,
              UUID.randomUUID(),
              SET,
              "alpha",
              8,
              DiskTiming.defaults());
      DiskFormatter.format(dev, h, false);
      assertThat(DiskReader.readHeader(dev, "alpha")).isEqualTo(h);
      assertThat(DiskReader.readSlot(dev, h, 8).isValid()).isTrue();
    }
  }

  @Test
  void formatRefusesAnotherClustersDiskAndForeignDataUnlessForced() throws Exception {
    MemoryBlockDevice dev = new MemoryBlockDevice("m", 17 * 4096);
    DiskFormatter.format(dev, header("beta"), false);
    assertThatThrownBy(() -> DiskFormatter.format(dev, header("alpha"), false))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("cluster 'beta'")
        .hasMessageContaining("--force");
    DiskFormatter.format(dev, header("alpha"), true);

    MemoryBlockDevice junk = new MemoryBlockDevice("j", 17 * 4096);
    junk.write(0, ByteBuffer.wrap(new byte[4096]).put(0, (byte) 7));
    assertThatThrownBy(() -> DiskFormatter.format(junk, header("alpha"), false))
        .hasMessageContaining("not a quorum disk");
  }

  @Test
  void timedDeviceGivesUpOnAStallAndRefusesNewOpsWhileStuck() throws Exception {
    FaultyBlockDevice faulty = new FaultyBlockDevice(new MemoryBlockDevice("s", 8192));
    try (TimeoutBlockDevice timed = new TimeoutBlockDevice(faulty, Duration.ofMillis(50))) {
      CountDownLatch release = faulty.stallAll();
      assertThatThrownBy(() -> timed.read(0, ByteBuffer.allocate(4096)))
          .isInstanceOf(TimeoutBlockDevice.IoTimeoutException.class)
          .hasMessageContaining("within 50 ms");
      assertThatThrownBy(() -> timed.write(0, ByteBuffer.allocate(4096)))
          .hasMessageContaining("still outstanding");
      release.countDown();
    }
  }

  @Test
  void fileDeviceReadsIntoAlignedDirectAndHeapBuffersAlike() throws Exception {
    Path file = dir.resolve("disk");
    byte[] content = new byte[4 * 4096];
    new Random(18).nextBytes(content);
    Files.write(file, content);
    byte[] expected = Arrays.copyOfRange(content, 4096, 4 * 4096);
    try (FileBlockDevice dev = FileBlockDevice.open(file, true)) {
      ByteBuffer aligned = FileBlockDevice.alignedBuffer(3 * 4096);
      ByteBuffer heap = ByteBuffer.allocate(3 * 4096);
      dev.read(4096, aligned);
      dev.read(4096, heap);

      byte[] got = new byte[3 * 4096];
      aligned.flip().get(got);
      assertThat(got).isEqualTo(expected);
      assertThat(heap.array()).isEqualTo(expected);
    }
  }

  /** Reads land in a buffer the timed device reuses; its caller's buffer is its own. */
  @Test
  void aTimedReadThatEndsAfterItsCallerGaveUpLeavesThatCallersBufferAlone() throws Exception {
    MemoryBlockDevice disk = new MemoryBlockDevice("s", 8192);
    byte[] ones = new byte[4096];
    Arrays.fill(ones, (byte) 1);
    disk.write(0, ByteBuffer.wrap(ones));
    FaultyBlockDevice faulty = new FaultyBlockDevice(disk);
    try (TimeoutBlockDevice timed = new TimeoutBlockDevice(faulty, Duration.ofMillis(50))) {
      CountDownLatch release = faulty.stallAll();
      ByteBuffer abandoned = ByteBuffer.allocate(4096);
      assertThatThrownBy(() -> timed.read(0, abandoned))
          .isInstanceOf(TimeoutBlockDevice.IoTimeoutException.class);
      release.countDown();

      ByteBuffer next = ByteBuffer.allocate(4096);
      // Refused while the abandoned read is still outstanding; served once it ended.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .ignoreException(TimeoutBlockDevice.IoTimeoutException.class)
          .untilAsserted(() -> timed.read(0, next.clear()));

      assertThat(next.array()).isEqualTo(ones);
      assertThat(abandoned.position()).isZero();
      assertThat(abandoned.array()).isEqualTo(new byte[4096]);
    }
  }

  private static DiskHeader header(String cluster) {
    return new DiskHeader(
        DiskHeader.CURRENT_VERSION, UUID.randomUUID(), SET, cluster, 8, DiskTiming.defaults());
  }
}
