package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disks of one lease area, each with an I/O thread of its own, so that every read and write is
 * bounded by the I/O timeout and a stalled disk stalls no other. A strict majority decides: {@link
 * #majority()} of 1 disk is 1, of 3 is 2, of 5 is 3.
 */
final class LeaseDisks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseDisks.class);

  private final List<BlockDevice> devices;
  private final List<ExecutorService> threads = new ArrayList<>();
  private final Duration ioTimeout;

  LeaseDisks(List<BlockDevice> devices, Duration ioTimeout) {
    this.devices = List.copyOf(devices);
    this.ioTimeout = ioTimeout;
    for (BlockDevice device : devices) {
      threads.add(
          Executors.newSingleThreadExecutor(
              DaemonThreads.named("quorate-lease-io-" + device.name())));
    }
  }

  int count() {
    return devices.size();
  }

  int majority() {
    return devices.size() / 2 + 1;
  }

  String name(int disk) {
    return devices.get(disk).name();
  }

  /** One I/O step on one disk; it may read and write several blocks. */
  @FunctionalInterface
  interface Step<T> {
    T run(Io io) throws IOException;
  }

  /** Block reads and writes on one disk, for a {@link Step}. */
  final class Io {
    private final int disk;

    private Io(int disk) {
      this.disk = disk;
    }

    int disk() {
      return disk;
    }

    String where(long block) {
      return "lease disk " + devices.get(disk).name() + " block " + block;
    }

    ByteBuffer read(long block) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(LeaseArea.BLOCK_SIZE);
      devices.get(disk).read(block * LeaseArea.BLOCK_SIZE, b);
      return b.flip();
    }

    /** Reads {@code count} consecutive blocks in one I/O. */
    ByteBuffer read(long block, int count) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(LeaseArea.BLOCK_SIZE * count);
      devices.get(disk).read(block * LeaseArea.BLOCK_SIZE, b);
      return b.flip();
    }

    void write(long block, ByteBuffer content) throws IOException {
      devices.get(disk).write(block * LeaseArea.BLOCK_SIZE, content);
    }
  }

  /**
   * Runs {@code step} on every disk at once, each bounded by {@code ioTimeout} per block it touches
   * ({@code blocks}), and returns each disk's outcome in disk order.
   */
  <T> List<Outcome<T>> onEach(int blocks, Step<T> step) throws InterruptedException {
    List<Future<T>> futures = new ArrayList<>();
    for (int d = 0; d < devices.size(); d++) {
      Io io = new Io(d);
      futures.add(threads.get(d).submit(() -> step.run(io)));
    }
    long deadline = System.nanoTime() + ioTimeout.toNanos() * blocks;
    List<Outcome<T>> outcomes = new ArrayList<>();
    for (int d = 0; d < futures.size(); d++) {
      Future<T> f = futures.get(d);
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        outcomes.add(new Outcome<>(f.get(left, TimeUnit.NANOSECONDS), null));
      } catch (ExecutionException e) {
        outcomes.add(new Outcome<>(null, e.getCause()));
      } catch (TimeoutException e) {
        // Never interrupt the I/O thread: an interrupt closes the FileChannel for good. The
        // stalled call finishes on its own thread; later calls queue behind it and time out.
        f.cancel(false);
        outcomes.add(
            new Outcome<>(
                null,
                new IOException(
                    "lease disk "
                        + name(d)
                        + ": I/O did not finish within "
                        + blocks
                        + " x io_timeout "
                        + ioTimeout.toMillis()
                        + " ms")));
      } catch (InterruptedException e) {
        futures.forEach(x -> x.cancel(false));
        throw e;
      }
    }
    return outcomes;
  }

  /** What one disk answered: a value, or the failure. */
  record Outcome<T>(T value, Throwable failure) {
    boolean ok() {
      return failure == null;
    }
  }

  @Override
  public void close() {
    threads.forEach(ExecutorService::shutdownNow);
    for (BlockDevice device : devices) {
      try {
        device.close();
      } catch (IOException e) {
        // The process is done with the disk either way; nothing more to do with it.
        LOG.warn("closing lease disk {} failed: {}", device.name(), e.toString());
      }
    }
  }
}
