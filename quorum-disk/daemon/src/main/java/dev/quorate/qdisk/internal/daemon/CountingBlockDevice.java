package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/** Counts ops and bytes, and can freeze (block) all I/O: what a paused node looks like. */
final class CountingBlockDevice implements BlockDevice {
  private final BlockDevice inner;
  private final AtomicLong ops = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final Object gate = new Object();
  private boolean frozen;

  CountingBlockDevice(BlockDevice inner) {
    this.inner = inner;
  }

  void reset() {
    ops.set(0);
    bytes.set(0);
  }

  long ops() {
    return ops.get();
  }

  long bytes() {
    return bytes.get();
  }

  void freeze() {
    synchronized (gate) {
      frozen = true;
    }
  }

  void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  private void pass(int len) throws IOException {
    synchronized (gate) {
      while (frozen) {
        try {
          gate.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("frozen");
        }
      }
    }
    ops.incrementAndGet();
    bytes.addAndGet(len);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public long size() throws IOException {
    return inner.size();
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    pass(dst.remaining());
    inner.read(offset, dst);
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    pass(src.remaining());
    inner.write(offset, src);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
