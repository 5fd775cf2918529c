package dev.quorate.reliability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One client's history file, one event a line, flushed at once: a client paused with SIGSTOP must
 * not hold back events the checker needs. Timestamps are {@link System#nanoTime()}, which on Linux
 * is CLOCK_MONOTONIC and so comparable between the processes of one machine; the harness checks
 * that assumption at every client's start (see {@link ClockCheck}).
 */
final class HistoryWriter implements AutoCloseable {
  private final BufferedWriter out;

  HistoryWriter(Path file) throws IOException {
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  void event(String kind, Object... fields) throws IOException {
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
  public void close() throws IOException {
    out.close();
  }
}
