package dev.quorate.disklease.internal;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real device that one host can be cut off from: every I/O fails once {@link #cut()} is called.
 * Its writes can also tear as the reliability suite's {@code TORN} fault does: the first half of
 * the write lands over the old bytes, then the write fails ({@link #tearAfter}); and writes to one
 * block can fail without landing, as on a disk with a bad sector ({@link #refuseWritesAt}).
 */
final class CuttableDevice implements BlockDevice {
  private final BlockDevice device;
  private volatile boolean cut;
  private final AtomicInteger untilTear = new AtomicInteger(-1);
  private volatile long refusedAt = -1;

  CuttableDevice(BlockDevice device) {
    this.device = device;
  }

  void cut() {
    cut = true;
  }

  /** Lets {@code whole} more writes land whole, then tears one. */
  void tearAfter(int whole) {
    untilTear.set(whole);
  }

  /** Fails every write at byte {@code offset}, leaving the block as it was, until {@link #heal}. */
  void refuseWritesAt(long offset) {
    refusedAt = offset;
  }

  /** Lets writes at the refused offset land again. */
  void heal() {
    refusedAt = -1;
  }

  private void check() throws IOException {
    if (cut) {
      throw new IOException(device.name() + ": cut off from this host");
    }
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
    check();
    device.read(offset, dst);
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    check();
    if (offset == refusedAt) {
      throw new IOException("write at offset " + offset + " of " + name() + " refused (test)");
    }
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
