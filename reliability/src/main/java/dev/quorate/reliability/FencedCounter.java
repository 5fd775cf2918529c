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
    this.log = Files.newBufferedWriter(dir.resolve("resource.log"), StandardCharsets.UTF_8);
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
    try {
      ByteBuffer text =
          ByteBuffer.wrap(String.format("%020d%n", next).getBytes(StandardCharsets.US_ASCII));
      counterFile.write(text, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    value = next;
    lastWriter = client + " " + System.nanoTime();
    synchronizedLog(
        "accept " + System.nanoTime() + " " + client + " " + seq + " " + token + " " + next);
    return next;
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
