package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One node's view of a shared device, with faults queued for its next operations: stalls, I/O
 * errors, writes torn after k x 512 bytes, lost writes, and bit flips in what a read returns.
 */
final class FaultyBlockDevice implements BlockDevice {
  private final BlockDevice inner;
  private final Deque<Fault> writeFaults = new ArrayDeque<>();
  private final Deque<Fault> readFaults = new ArrayDeque<>();
  private volatile CountDownLatch stall;

  sealed interface Fault {}

  record IoError() implements Fault {}

  record Torn(int sectors) implements Fault {}

  record Lost() implements Fault {}

  /** Flips one bit at {@code byteIndex} of the data returned by a read. */
  record BitFlip(int byteIndex, int bit) implements Fault {}

  FaultyBlockDevice(BlockDevice inner) {
    this.inner = inner;
  }

  synchronized FaultyBlockDevice onWrite(Fault f) {
    writeFaults.add(f);
    return this;
  }

  synchronized FaultyBlockDevice onRead(Fault f) {
    readFaults.add(f);
    return this;
  }

  /** Makes every op block until the returned latch is counted down. */
  CountDownLatch stallAll() {
    stall = new CountDownLatch(1);
    return stall;
  }

  private void maybeStall() throws IOException {
    CountDownLatch s = stall;
    if (s != null) {
      try {
        if (!s.await(30, TimeUnit.SECONDS)) {
          throw new IOException("stall never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted in stall", e);
      }
    }
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
    maybeStall();
    Fault f;
    synchronized (this) {
      f = readFaults.poll();
      if (f instanceof BitFlip flip && flip.byteIndex() >= dst.remaining()) {
        // Meant for a longer read (all slots), not this one (a mailbox): keep it queued.
        readFaults.addFirst(f);
        f = null;
      }
    }
    if (f instanceof IoError) {
      throw new IOException(name() + ": injected read error");
    }
    int start = dst.position();
    inner.read(offset, dst);
    if (f instanceof BitFlip flip) {
      int at = start + flip.byteIndex();
      dst.put(at, (byte) (dst.get(at) ^ (1 << flip.bit())));
    }
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    maybeStall();
    Fault f;
    synchronized (this) {
      f = writeFaults.poll();
    }
    if (f instanceof IoError) {
      throw new IOException(name() + ": injected write error");
    }
    if (f instanceof Lost) {
      src.position(src.limit());
      return;
    }
    if (f instanceof Torn torn) {
      // The first k sectors reach the disk; the rest keeps its old bytes.
      ByteBuffer old = ByteBuffer.allocate(src.remaining());
      inner.read(offset, old);
      old.flip();
      ByteBuffer mixed = ByteBuffer.allocate(src.remaining());
      int cut = Math.min(torn.sectors() * 512, src.remaining());
      mixed.put(src.slice(src.position(), cut)).put(old.position(cut)).flip();
      src.position(src.limit());
      inner.write(offset, mixed);
      return;
    }
    inner.write(offset, src);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
