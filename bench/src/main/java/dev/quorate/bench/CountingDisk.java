package dev.quorate.bench;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lease disk that counts its reads and writes (4 KiB blocks each; renewals apart), and can die:
 * from {@link #die()} on every I/O fails, as it does for a host that crashed or lost its storage
 * path. Other hosts see its delta lease stop changing, which is all a host's death looks like on a
 * disk.
 */
final class CountingDisk implements BlockDevice {
  private final BlockDevice disk;
  private final long slotsStart;
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong hostLeaseIos = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicBoolean dead = new AtomicBoolean();
  private final Queue<SlotIo> slotIos = new ConcurrentLinkedQueue<>();

  /**
   * One resource-slot read or write: when it ended ({@link System#nanoTime()}) and how long it
   * took.
   */
  record SlotIo(long endNanos, long nanos) {}

  /**
   * @param slotsStart the offset of the first resource slot block: I/O below it is the header's and
   *     the delta leases' (renewals), counted apart
   */
  CountingDisk(BlockDevice disk, long slotsStart) {
    this.disk = disk;
    this.slotsStart = slotsStart;
  }

  /** Reads and writes of the header and the delta leases. */
  long hostLeaseIos() {
    return hostLeaseIos.get();
  }

  /** Bytes read and written. */
  long bytes() {
    return bytes.get();
  }

  long reads() {
    return reads.get();
  }

  long writes() {
    return writes.get();
  }

  /** The resource-slot reads and writes since the last call; then forgets them. */
  List<SlotIo> takeSlotIos() {
    List<SlotIo> taken = new ArrayList<>();
    for (SlotIo w = slotIos.poll(); w != null; w = slotIos.poll()) {
      taken.add(w);
    }
    return taken;
  }

  void die() {
    dead.set(true);
  }

  @Override
  public String name() {
    return disk.name();
  }

  @Override
  public long size() throws IOException {
    return disk.size();
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    if (dead.get()) {
      throw new IOException("host died: no I/O to " + name());
    }
    count(offset, reads);
    bytes.addAndGet(dst.remaining());
    long start = System.nanoTime();
    disk.read(offset, dst);
    timeSlotIo(offset, start);
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    if (dead.get()) {
      throw new IOException("host died: no I/O to " + name());
    }
    count(offset, writes);
    bytes.addAndGet(src.remaining());
    long start = System.nanoTime();
    disk.write(offset, src);
    timeSlotIo(offset, start);
  }

  private void timeSlotIo(long offset, long start) {
    if (offset >= slotsStart) {
      long end = System.nanoTime();
      slotIos.add(new SlotIo(end, end - start));
    }
  }

  private void count(long offset, AtomicLong kind) {
    kind.incrementAndGet();
    if (offset < slotsStart) {
      hostLeaseIos.incrementAndGet();
    }
  }

  @Override
  public void close() throws IOException {
    disk.close();
  }
}
