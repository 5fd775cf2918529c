package dev.quorate.qdisk.metrics;

import dev.quorate.qdisk.BlockDevice;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/** A block device whose reads and writes are timed, by outcome. */
final class TimedBlockDevice implements BlockDevice {
  private final BlockDevice inner;
  private final MeterRegistry registry;
  private final Timer readOk;
  private final Timer readError;
  private final Timer writeOk;
  private final Timer writeError;

  /**
   * Registers the four timers at once: the heartbeat's I/O runs under a tight timeout, and must not
   * pay for loading and registering meters on its first read or write.
   */
  TimedBlockDevice(BlockDevice inner, MeterRegistry registry) {
    this.inner = inner;
    this.registry = registry;
    this.readOk = timer("read", "ok");
    this.readError = timer("read", "error");
    this.writeOk = timer("write", "ok");
    this.writeError = timer("write", "error");
  }

  private Timer timer(String op, String outcome) {
    return Timer.builder("qdisk.io")
        .description("quorum-disk reads and writes")
        .tags("disk", inner.name(), "op", op, "outcome", outcome)
        .register(registry);
  }

  /** One I/O step that may fail. */
  private interface Io {
    void run() throws IOException;
  }

  private void timed(Timer ok, Timer error, Io io) throws IOException {
    long start = registry.config().clock().monotonicTime();
    boolean done = false;
    try {
      io.run();
      done = true;
    } finally {
      (done ? ok : error)
          .record(registry.config().clock().monotonicTime() - start, TimeUnit.NANOSECONDS);
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
    timed(readOk, readError, () -> inner.read(offset, dst));
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    timed(writeOk, writeError, () -> inner.write(offset, src));
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  @Override
  public String toString() {
    return "Timed[" + inner + "]";
  }
}
