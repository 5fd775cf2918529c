package dev.quorate.fence.internal;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fence history in an append-only JSON-lines file. Each append writes one whole line and forces
 * it (data and size) to disk. A crash can still leave a torn last line; on open such a line, and
 * any other line that does not parse, is skipped and reported, because refusing to open would stop
 * fencing over a log file.
 */
public final class FenceHistoryFile implements FenceHistory {
  private static final Logger log = LoggerFactory.getLogger(FenceHistoryFile.class);

  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<FenceRecord> records;
  private final List<String> problems;

  private FenceHistoryFile(Path file, List<FenceRecord> records, List<String> problems) {
    this.file = file;
    this.records = records;
    this.problems = List.copyOf(problems);
  }

  /**
   * Opens a history file, reading the records it holds.
   *
   * @param file the file; created on the first append if missing
   * @return the history
   * @throws QuorateException with IO_FAILURE if the file exists but cannot be read
   */
  public static FenceHistoryFile open(Path file) {
    List<FenceRecord> records = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      text = "";
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot read fence history " + file + ": " + e.getMessage(), e);
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      boolean last = i == lines.length - 1;
      if (line.isBlank()) {
        continue;
      }
      try {
        records.add(FenceRecordJson.decode(line));
      } catch (RuntimeException e) {
        String problem =
            file
                + " line "
                + (i + 1)
                + (last ? " (torn last line, no newline)" : "")
                + " is not a fence record and was skipped: "
                + e.getMessage();
        problems.add(problem);
        log.warn("{}", problem);
      }
    }
    return new FenceHistoryFile(file, records, problems);
  }

  @Override
  public void append(FenceRecord record) {
    byte[] line = (FenceRecordJson.encode(record) + "\n").getBytes(StandardCharsets.UTF_8);
    lock.lock();
    // READ for the torn-line check; positions are explicit because READ excludes APPEND, and the
    // lock serializes appends of this JVM (one member owns its history file).
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
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
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "cannot append to fence history " + file + ": " + e.getMessage(),
          e);
    } finally {
      lock.unlock();
    }
  }

  private static boolean endsWithNewline(FileChannel channel) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    channel.read(last, channel.size() - 1);
    return last.get(0) == '\n';
  }

  @Override
  public List<FenceRecord> records() {
    lock.lock();
    try {
      return List.copyOf(records);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<String> problems() {
    return problems;
  }
}
