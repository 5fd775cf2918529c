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

  TimedBlockDevice(BlockDevice inner, MeterRegistry registry) {
    this.inner = inner;
    this.registry = registry;
  }

  /** One I/O step that may fail. */
  private interface Io {
    void run() throws IOException;
  }

  private void timed(String op, Io io) throws IOException {
    long start = registry.config().clock().monotonicTime();
    String outcome = "error";
    try {
      io.run();
      outcome = "ok";
    } finally {
      Timer.builder("qdisk.io")
          .description("quorum-disk reads and writes")
          .tags("disk", inner.name(), "op", op, "outcome", outcome)
          .register(registry)
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
    timed("read", () -> inner.read(offset, dst));
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    timed("write", () -> inner.write(offset, src));
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
