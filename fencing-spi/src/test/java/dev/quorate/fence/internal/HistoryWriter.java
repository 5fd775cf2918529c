package dev.quorate.fence.internal;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The second process of {@link FenceHistoryFileIT}: opens a shared history file, says {@code
 * ready}, waits for {@code go} on stdin (so that every writer starts at once), appends its records
 * and reports how many records of the file it saw at the end.
 */
public final class HistoryWriter {
  private HistoryWriter() {}

  /** A record whose explanation names the writer and its sequence, padded to about 1 KiB. */
  static FenceRecord record(String writer, int sequence) {
    Instant now = Instant.now();
    return new FenceRecord(
        now,
        now,
        writer,
        "node-" + (sequence % 3),
        FenceAction.OFF,
        1,
        List.of("ipmi"),
        FenceResult.Status.SUCCEEDED,
        FenceReason.FENCED,
        writer + " #" + sequence + " " + "x".repeat(1000));
  }

  /**
   * Appends records to a history file.
   *
   * @param args the file, the writer's name, how many records
   * @throws Exception if anything fails; the parent test sees the exit status and stderr
   */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String writer = args[1];
    int count = Integer.parseInt(args[2]);
    FenceHistory history = FenceHistory.open(file);
    System.out.println("ready");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (!"go".equals(in.readLine())) {
      throw new IllegalStateException("expected go on stdin");
    }
    for (int i = 0; i < count; i++) {
      history.append(record(writer, i));
    }
    System.out.println("seen " + history.records().size());
    System.out.flush();
  }
}
