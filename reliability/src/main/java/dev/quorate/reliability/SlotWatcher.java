package dev.quorate.reliability;

import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.internal.Decoded;
import dev.quorate.qdisk.internal.Layout;
import dev.quorate.qdisk.internal.RecordCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every heartbeat slot on every disk every few milliseconds, from outside the daemons, and
 * logs each new sequence it sees to {@code slots.log}: the evidence for "an evicted node stops
 * writing" does not come from the node's own word.
 */
final class SlotWatcher implements AutoCloseable {
  static final long PERIOD_MILLIS = 20;

  private final List<Path> disks;
  private final int nodes;
  private final BufferedWriter log;
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  SlotWatcher(Path dir, List<Path> disks, int nodes) throws IOException {
    this.disks = disks;
    this.nodes = nodes;
    this.log = Files.newBufferedWriter(dir.resolve("slots.log"), StandardCharsets.UTF_8);
    this.thread = new Thread(this::watch, "slot-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    while (running) {
      for (int d = 0; d < disks.size(); d++) {
        sample(d);
      }
      try {
        Thread.sleep(PERIOD_MILLIS); // the sampling period
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample(int d) {
    try (FileChannel ch = FileChannel.open(disks.get(d), StandardOpenOption.READ)) {
      ByteBuffer all = ByteBuffer.allocate(Layout.headerAndSlotsLength(nodes));
      ch.read(all, 0);
      long now = System.nanoTime();
      Decoded<DiskHeader> header = RecordCodec.decodeHeader(block(all, 0));
      if (header.value().isEmpty()) {
        return; // a lost disk: nothing to read on it
      }
      for (int n = 1; n <= nodes; n++) {
        Decoded<HeartbeatSlot> slot =
            RecordCodec.decodeSlot(
                block(all, (int) Layout.slotOffset(n)), header.value().get().diskId(), n);
        if (slot.value().isPresent()) {
          HeartbeatSlot s = slot.value().get();
          String key = d + "/" + n + "/" + s.incarnation();
          Long before = lastSeen.put(key, s.sequence());
          if (before == null || before != s.sequence()) {
            write(new SlotWrite(now, d, n, s.incarnation(), s.sequence()).line());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ByteBuffer block(ByteBuffer all, int offset) {
    return all.duplicate().position(offset).limit(offset + DiskHeader.BLOCK_SIZE).slice();
  }

  private synchronized void write(String line) throws IOException {
    log.write(line);
    log.newLine();
  }

  @Override
  public void close() throws IOException {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      log.close();
    }
  }
}
