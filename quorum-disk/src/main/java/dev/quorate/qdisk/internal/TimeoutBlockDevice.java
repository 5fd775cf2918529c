package dev.quorate.qdisk.internal;

import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs every I/O of one disk on that disk's own thread and waits at most the I/O timeout, so a hung
 * disk (a SAN path failing over, a dead NFS server) costs the heartbeat one timeout, not its
 * thread. Ops run one at a time: a write that finishes late still lands before the next one, never
 * after it. While a timed-out op is still stuck, new ops fail at once instead of piling up behind
 * it. No op touches its caller's buffer, because a stuck op may run long after its caller has given
 * up: a write copies first, a read lands in this device's own buffer and is copied out once done.
 */
final class TimeoutBlockDevice implements BlockDevice {
  private final BlockDevice inner;
  private final long timeoutNanos;
  private final ExecutorService io;
  private Future<?> outstanding;
  private ByteBuffer landing;

  /** Wraps {@code inner}; every op waits at most {@code timeout}. */
  public TimeoutBlockDevice(BlockDevice inner, Duration timeout) {
    this.inner = inner;
    this.timeoutNanos = timeout.toNanos();
    this.io = Executors.newSingleThreadExecutor(DaemonThreads.named("qdisk-io-" + inner.name()));
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public long size() throws IOException {
    return call(inner::size, "size");
  }

  @Override
  public synchronized void read(long offset, ByteBuffer dst) throws IOException {
    int len = dst.remaining();
    ByteBuffer landed =
        call(
            () -> {
              ByteBuffer b = landing(len);
              inner.read(offset, b);
              return b.flip();
            },
            "read at " + offset);
    // Copied while this device's lock is held: the next op, the only other user of the landing
    // buffer, cannot start before.
    dst.put(landed);
  }

  /**
   * The buffer reads land in, reused: a heartbeat reads the header and every slot, 1 MiB at 255
   * slots, every interval, and a fresh heap buffer of that size is a humongous allocation. Direct
   * and aligned, so O_DIRECT fills it without a copy. Touched only by the op running on this
   * device's thread and, once it is done, by its caller under the lock.
   */
  private ByteBuffer landing(int len) {
    if (landing == null || landing.capacity() < len) {
      landing = FileBlockDevice.alignedBuffer(len);
    }
    return landing.clear().limit(len);
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    byte[] copy = new byte[src.remaining()];
    src.get(copy);
    call(
        () -> {
          inner.write(offset, ByteBuffer.wrap(copy));
          return null;
        },
        "write at " + offset);
  }

  private synchronized <T> T call(Callable<T> op, String what) throws IOException {
    if (outstanding != null && !outstanding.isDone()) {
      throw new IoTimeoutException(
          inner.name() + ": " + what + " refused: an earlier I/O is still outstanding");
    }
    Future<T> f = io.submit(op);
    outstanding = f;
    try {
      return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IoTimeoutException(
          inner.name()
              + ": "
              + what
              + " did not finish within "
              + timeoutNanos / 1_000_000
              + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(inner.name() + ": " + what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(inner.name() + ": interrupted waiting for " + what);
    }
  }

  @Override
  public void close() throws IOException {
    io.shutdownNow();
    inner.close();
  }

  /** An I/O that did not finish within its timeout. */
  public static final class IoTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    IoTimeoutException(String message) {
      super(message);
    }
  }
}
