package dev.quorate.reliability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One client's history file, one event a line, flushed at once: a client paused with SIGSTOP must
 * not hold back events the checker needs. Timestamps are {@link System#nanoTime()}, which on Linux
 * is CLOCK_MONOTONIC and so comparable between the processes of one machine; the harness checks
 * that assumption at every client's start (see {@link ClockCheck}).
 */
final class HistoryWriter implements AutoCloseable {
  private final BufferedWriter out;

  HistoryWriter(Path file) throws IOException {
    // Appends: a client killed by the nemesis is followed by a new one with the same history.
    out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * The highest acquire sequence number in {@code file}, 0 if none: a successor goes on from it.
   */
  static long lastSeq(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    long last = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f[0].equals("invoke") && f.length > 2) {
        last = Math.max(last, Long.parseLong(f[2]));
      }
    }
    return last;
  }

  // Synchronized: a disk-lease client writes lease state changes from the manager's event thread.
  synchronized void event(String kind, Object... fields) throws IOException {
    StringBuilder line = new StringBuilder(kind);
    line.append(' ').append(System.nanoTime());
    for (Object f : fields) {
      line.append(' ').append(f);
    }
    out.write(line.toString());
    out.newLine();
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
