package dev.quorate.fence.internal;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fence history in an append-only JSON-lines file that several processes of one machine may
 * share. Every read and append takes an OS file lock on the file (shared for reads, exclusive for
 * appends) and first reads whatever other processes appended since, so a quiet time started by one
 * process holds for all of them. Each append writes one whole line and forces it (data and size) to
 * disk. A crash can still leave a torn last line: since writers hold the exclusive lock while they
 * write, an unterminated tail seen under the lock is always such a tear; it is skipped and
 * reported, because refusing to open would stop fencing over a log file. For members on different
 * machines, share a history through ZooKeeper instead ({@code ZkFenceCoordinator}).
 */
public final class FenceHistoryFile implements FenceHistory {
  private static final Logger log = LoggerFactory.getLogger(FenceHistoryFile.class);

  /**
   * One lock per file and JVM: OS file locks belong to the process, so two histories of one file in
   * one JVM must also exclude each other in memory (the JDK throws on an overlapping lock).
   */
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final ReentrantLock lock;
  private final List<FenceRecord> records = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private long readOffset;
  private int linesRead;

  private FenceHistoryFile(Path file) {
    this.file = file;
    this.lock =
        JVM_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
  }

  /**
   * Opens a history file, reading the records it holds.
   *
   * @param file the file; created on the first append if missing
   * @return the history
   * @throws QuorateException with IO_FAILURE if the file exists but cannot be read
   */
  public static FenceHistoryFile open(Path file) {
    FenceHistoryFile history = new FenceHistoryFile(file);
    history.records();
    return history;
  }

  @Override
  @SuppressWarnings("try") // the file lock is held for the try block, never referenced in it
  public void append(FenceRecord record) {
    byte[] line = (FenceRecordJson.encode(record) + "\n").getBytes(StandardCharsets.UTF_8);
    lock.lock();
    try (FileChannel channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      catchUp(channel);
      long position = channel.size();
      if (position > 0 && !endsWithNewline(channel)) {
        // A torn line from a crash must not swallow this record: start on a fresh line.
        position += channel.write(ByteBuffer.wrap(new byte[] {'\n'}), position);
      }
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      channel.force(true);
      records.add(record);
      readOffset = position;
      linesRead++;
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "cannot append to fence history " + file + ": " + e.getMessage(),
          e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  @SuppressWarnings("try") // the file lock is held for the try block, never referenced in it
  public List<FenceRecord> records() {
    lock.lock();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        FileLock ignored = channel.lock(0, Long.MAX_VALUE, true)) {
      catchUp(channel);
      return List.copyOf(records);
    } catch (java.nio.file.NoSuchFileException e) {
      if (readOffset == 0) {
        return List.copyOf(records); // nothing appended yet
      }
      // Deleted or rotated under us: answering from what was read would forget every fence
      // appended elsewhere since, and lift a quiet time or open a recovery gate on old data.
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "fence history "
              + file
              + " is gone after "
              + readOffset
              + " bytes were read; a history"
              + " is never deleted while it is in use",
          e);
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot read fence history " + file + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads what was appended since the last read, under the caller's file lock. A tail without a
   * newline is a tear from a crash: reported, and the next append writes a newline after it (under
   * the exclusive lock), so it never swallows a record.
   */
  private void catchUp(FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < readOffset) {
      throw new IOException(
          "the file shrank from " + readOffset + " to " + size + " bytes; a history only grows");
    }
    if (size == readOffset) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size - readOffset));
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, readOffset + buffer.position()) < 0) {
        break;
      }
    }
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      boolean last = i == lines.length - 1;
      String line = lines[i];
      if (last && line.isEmpty()) {
        break; // the text ended with a newline
      }
      linesRead++;
      if (line.isBlank()) {
        continue;
      }
      try {
        records.add(FenceRecordJson.decode(line));
      } catch (RuntimeException e) {
        String problem =
            file
                + " line "
                + linesRead
                + (last ? " (torn last line, no newline)" : "")
                + " is not a fence record and was skipped: "
                + e.getMessage();
        problems.add(problem);
        log.warn("{}", problem);
      }
    }
    readOffset = size;
  }

  private static boolean endsWithNewline(FileChannel channel) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    channel.read(last, channel.size() - 1);
    return last.get(0) == '\n';
  }

  @Override
  public List<String> problems() {
    lock.lock();
    try {
      return List.copyOf(problems);
    } finally {
      lock.unlock();
    }
  }
}
