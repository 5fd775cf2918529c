package dev.quorate.reliability;

import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskSnapshot;
import dev.quorate.qdisk.HeartbeatSlot;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  private final List<BlockDevice> disks = new ArrayList<>();
  private final int nodes;
  private final BufferedWriter log;
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  SlotWatcher(Path dir, List<Path> disks, int nodes) throws IOException {
    for (Path disk : disks) {
      // Read-only and opened once: the nemesis changes the files in place, never replaces them.
      this.disks.add(BlockDevice.openReadOnly(disk));
    }
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
    try {
      DiskSnapshot snapshot = DiskSnapshot.read(disks.get(d));
      long now = System.nanoTime();
      for (HeartbeatSlot s : snapshot.slots().values()) {
        if (s.nodeId() > nodes) {
          continue;
        }
        String key = d + "/" + s.nodeId() + "/" + s.incarnation();
        Long before = lastSeen.put(key, s.sequence());
        if (before == null || before != s.sequence()) {
          write(new SlotWrite(now, d, s.nodeId(), s.incarnation(), s.sequence()).line());
        }
      }
    } catch (QuorateException e) {
      return; // a lost or wiped disk: nothing to read on it
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void write(String line) throws IOException {
    log.write(line);
    log.newLine();
  }

  @Override
  public void close() throws IOException {
    // No interrupt: it would close the devices' channels under a read (ClosedByInterrupt); the
    // loop sees the flag within one period.
    running = false;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      log.close();
    }
    for (BlockDevice disk : disks) {
      disk.close();
    }
  }
}
