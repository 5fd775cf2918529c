package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A disk image in memory, shared by simulated nodes in tests and by the measurement command. */
final class MemoryBlockDevice implements BlockDevice {
  private final String name;
  private final byte[] image;

  /** Creates a zeroed image of {@code size} bytes. */
  public MemoryBlockDevice(String name, int size) {
    this.name = name;
    this.image = new byte[size];
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return image.length;
  }

  @Override
  public synchronized void read(long offset, ByteBuffer dst) throws IOException {
    if (offset + dst.remaining() > image.length) {
      throw new IOException(name + ": device ends at " + image.length + " bytes");
    }
    dst.put(image, (int) offset, dst.remaining());
  }

  @Override
  public synchronized void write(long offset, ByteBuffer src) throws IOException {
    if (offset + src.remaining() > image.length) {
      throw new IOException(name + ": device ends at " + image.length + " bytes");
    }
    src.get(image, (int) offset, src.remaining());
  }

  @Override
  public void close() {}
}
