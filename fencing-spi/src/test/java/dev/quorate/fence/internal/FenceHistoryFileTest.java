package dev.quorate.fence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceResult;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class FenceHistoryFileTest {
  @TempDir Path dir;

  private static FenceRecord record(String target, FenceResult.Status status, String why) {
    return new FenceRecord(
        Instant.parse("2026-01-02T03:04:05Z"),
        Instant.parse("2026-01-02T03:04:09.5Z"),
        "node-c",
        target,
        FenceAction.OFF,
        2,
        List.of("pdu-a", "pdu-b"),
        status,
        FenceReason.FENCED,
        why);
  }

  @Test
  void recordsSurviveReopenAndAreQueryable() {
    Path file = dir.resolve("history.jsonl");
    FenceHistory history = FenceHistory.open(file);
    FenceRecord odd =
        record("node-a", FenceResult.Status.SUCCEEDED, "quote \" slash \\ nl \n tab \t");
    history.append(record("node-a", FenceResult.Status.FAILED, "first"));
    history.append(odd);
    history.append(record("node-b", FenceResult.Status.SUCCEEDED, "other"));

    FenceHistory reopened = FenceHistory.open(file);
    assertThat(reopened.records()).hasSize(3);
    assertThat(reopened.forTarget("node-a")).hasSize(2);
    assertThat(reopened.lastSuccess("node-a")).contains(odd);
    assertThat(reopened.problems()).isEmpty();
  }

  @Test
  void aHistoryDeletedWhileInUseFailsItsReadsRatherThanAnsweringFromWhatWasRead() throws Exception {
    Path file = dir.resolve("history.jsonl");
    FenceHistory history = FenceHistory.open(file);
    history.append(record("node-a", FenceResult.Status.SUCCEEDED, "fenced"));
    Files.delete(file);

    assertThatThrownBy(history::records)
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("is gone after")
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.IO_FAILURE);
  }

  @Test
  void corruptAndTornLinesAreReportedByLineNumberAndAppendsContinue() throws Exception {
    Path file = dir.resolve("history.jsonl");
    FenceHistory history = FenceHistory.open(file);
    history.append(record("node-a", FenceResult.Status.SUCCEEDED, "ok"));
    Files.writeString(
        file,
        "not json\n{\"requestedAt\":\"2026-",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    FenceHistory reopened = FenceHistory.open(file);
    assertThat(reopened.records()).hasSize(1);
    assertThat(reopened.problems())
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("line 2"))
        .anySatisfy(p -> assertThat(p).contains("line 3").contains("torn"));

    reopened.append(record("node-b", FenceResult.Status.SUCCEEDED, "after the tear"));
    assertThat(FenceHistory.open(file).forTarget("node-b")).hasSize(1);
  }
}
