package dev.quorate.disklease.internal;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real device whose next writes tear as the reliability suite's {@code TORN} fault does: the
 * first half of the write lands over the old bytes, then the write fails.
 */
final class TearingDevice implements BlockDevice {
  private final BlockDevice device;
  private final AtomicInteger untilTear = new AtomicInteger(-1);

  TearingDevice(BlockDevice device) {
    this.device = device;
  }

  /** Lets {@code whole} more writes land whole, then tears one. */
  void tearAfter(int whole) {
    untilTear.set(whole);
  }

  @Override
  public String name() {
    return device.name();
  }

  @Override
  public long size() throws IOException {
    return device.size();
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    device.read(offset, dst);
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    if (untilTear.getAndUpdate(n -> Math.max(-1, n - 1)) != 0) {
      device.write(offset, src);
      return;
    }
    ByteBuffer block = ByteBuffer.allocate(src.remaining());
    device.read(offset, block);
    ByteBuffer firstHalf = src.duplicate();
    firstHalf.limit(firstHalf.position() + src.remaining() / 2);
    block.clear().put(firstHalf).clear();
    device.write(offset, block);
    throw new IOException("torn write at offset " + offset + " of " + name() + " (test)");
  }

  @Override
  public void close() throws IOException {
    device.close();
  }
}
