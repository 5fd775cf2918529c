package dev.quorate.fence;

import dev.quorate.fence.internal.FenceHistoryFile;
import dev.quorate.fence.internal.InMemoryFenceHistory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The record of every fence decision and outcome: who asked, target, action, level, devices,
 * status, reason, timestamps. Thread-safe. The persistent history appends one JSON object per line
 * and forces each line to disk before {@link #append} returns, so a fence that happened is never
 * forgotten by a crash right after it.
 *
 * <pre>{@code
 * FenceHistory history = FenceHistory.open(Path.of("/var/lib/quorate/fence-history.jsonl"));
 * Optional<FenceRecord> last = history.lastSuccess("node-a");
 * history.problems().forEach(p -> log.warn("fence history: {}", p));
 * }</pre>
 */
public interface FenceHistory {
  /**
   * Creates a history kept in memory only.
   *
   * @return an empty history
   */
  static FenceHistory inMemory() {
    return new InMemoryFenceHistory();
  }

  /**
   * Opens (or creates on first append) a history file. Lines that cannot be read are skipped and
   * reported by {@link #problems()} with their line number, never silently dropped. The processes
   * of one machine may share the file: every append takes an exclusive OS file lock and every read
   * a shared one, and each first reads what the others appended, so a quiet time one process starts
   * holds for all of them. Members on different machines share a history through ZooKeeper.
   *
   * @param file the JSON-lines file
   * @return the history, holding the file's readable records
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#IO_FAILURE} if
   *     the file exists but cannot be read
   */
  static FenceHistory open(Path file) {
    return FenceHistoryFile.open(file);
  }

  /**
   * Appends a record, durably for a persistent history.
   *
   * @param record the record
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#IO_FAILURE} if
   *     it cannot be written and forced to disk
   */
  void append(FenceRecord record);

  /**
   * Returns every record, oldest first.
   *
   * @return the records
   */
  List<FenceRecord> records();

  /**
   * Returns a target's records, oldest first.
   *
   * @param target the target name
   * @return its records
   */
  default List<FenceRecord> forTarget(String target) {
    return records().stream().filter(r -> r.target().equals(target)).toList();
  }

  /**
   * Returns a target's most recent successful fence or unfence.
   *
   * @param target the target name
   * @return the record, or empty
   */
  default Optional<FenceRecord> lastSuccess(String target) {
    List<FenceRecord> mine = forTarget(target);
    for (int i = mine.size() - 1; i >= 0; i--) {
      if (mine.get(i).status() == FenceResult.Status.SUCCEEDED) {
        return Optional.of(mine.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns what could not be read when the history was opened, one message per bad line, naming
   * the file and line number.
   *
   * @return the problems; empty for a clean or in-memory history
   */
  List<String> problems();
}
