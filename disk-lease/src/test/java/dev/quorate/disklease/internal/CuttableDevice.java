package dev.quorate.disklease.internal;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A real device that one host can be cut off from: every I/O fails once {@link #cut()} is called.
 */
final class CuttableDevice implements BlockDevice {
  private final BlockDevice device;
  private volatile boolean cut;

  CuttableDevice(BlockDevice device) {
    this.device = device;
  }

  void cut() {
    cut = true;
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
    device.write(offset, src);
  }

  @Override
  public void close() throws IOException {
    device.close();
  }
}
