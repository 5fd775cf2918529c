package dev.quorate.reliability;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The resource the lock protects: a counter in a file. Fenced, every increment passes a persistent
 * {@link TokenGuard}; in the control run it checks nothing, so a stale holder's write lands. Either
 * way it logs every write it accepted in the order it accepted them, which is the order the checker
 * trusts.
 *
 * <p>The log is the record of what was accepted: a write is logged (to the page cache, which a
 * SIGKILL does not lose) before the counter file is updated and before the client hears OK. A
 * resource killed between the two finds one more accept in its log than in its counter file when it
 * starts again, and takes the log's value: an acknowledged increment is never lost across a
 * restart. The persistent guard likewise keeps the highest token across the restart.
 */
final class FencedCounter implements AutoCloseable {
  /** The outcome of one increment. */
  record Outcome(boolean accepted, long value) {}

  private final TokenGuard guard;
  private final ReentrantLock unfenced = new ReentrantLock();
  private final FileChannel counterFile;
  private final BufferedWriter log;
  private long value;
  private volatile String lastWriter = "NONE";

  FencedCounter(Path dir, boolean fenced) throws IOException {
    this.guard = fenced ? TokenGuard.persistent(dir.resolve("resource.token")) : null;
    this.counterFile =
        FileChannel.open(
            dir.resolve("counter"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    this.value = Math.max(readCounter(dir), lastLogged(dir));
    this.log =
        Files.newBufferedWriter(
            dir.resolve("resource.log"),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    writeCounter(value);
  }

  /** The value of the last accepted write in the log, 0 if none. */
  private static long lastLogged(Path dir) throws IOException {
    Path file = dir.resolve("resource.log");
    if (!Files.exists(file)) {
      return 0;
    }
    long last = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      // A SIGKILL can cut the last line short; a short line was never acknowledged.
      if (f[0].equals("accept") && f.length == 6) {
        last = Long.parseLong(f[5]);
      }
    }
    return last;
  }

  Outcome increment(String client, long seq, FencingToken token) {
    if (guard == null) {
      unfenced.lock();
      try {
        return new Outcome(true, write(client, seq, token));
      } finally {
        unfenced.unlock();
      }
    }
    try {
      return new Outcome(true, guard.access(token, () -> write(client, seq, token)));
    } catch (StaleTokenException e) {
      synchronizedLog("reject " + System.nanoTime() + " " + client + " " + seq + " " + token);
      return new Outcome(false, -1);
    }
  }

  String lastWriter() {
    return lastWriter;
  }

  // Runs under the guard (or the control lock), so log order is acceptance order.
  private long write(String client, long seq, FencingToken token) {
    long next = value + 1;
    synchronizedLog(
        "accept " + System.nanoTime() + " " + client + " " + seq + " " + token + " " + next);
    try {
      writeCounter(next);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    value = next;
    lastWriter = client + " " + System.nanoTime();
    return next;
  }

  private void writeCounter(long v) throws IOException {
    counterFile.write(
        ByteBuffer.wrap(String.format("%020d%n", v).getBytes(StandardCharsets.US_ASCII)), 0);
  }

  private synchronized void synchronizedLog(String line) {
    try {
      log.write(line);
      log.newLine();
      log.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long readCounter(Path dir) throws IOException {
    Path file = dir.resolve("counter");
    if (!Files.exists(file) || Files.size(file) == 0) {
      return 0;
    }
    return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
  }

  @Override
  public synchronized void close() throws IOException {
    counterFile.force(true);
    counterFile.close();
    log.close();
  }
}
