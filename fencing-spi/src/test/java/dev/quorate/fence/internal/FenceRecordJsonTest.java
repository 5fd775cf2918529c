package dev.quorate.fence.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fence record's JSON line, byte for byte: history files and the ZooKeeper history written by
 * earlier versions hold exactly this form, and operators read it with jq.
 */
@Timeout(10)
class FenceRecordJsonTest {
  private static final FenceRecord RECORD =
      new FenceRecord(
          Instant.parse("2026-12-07T07:34:31Z"),
          Instant.parse("2026-12-07T07:34:32.5Z"),
          "db-a",
          "db-c",
          FenceAction.OFF,
          2,
          List.of("pdu-1", "ipmi \"b\""),
          FenceResult.Status.SUCCEEDED,
          FenceReason.FENCED,
          "quote \" slash \\ nl \n cr \r tab \t bell \u0007 <b>&amp; caf\u00e9 \u2028");

  @Test
  void aRecordIsOneLineOfJsonInItsDocumentedFieldOrder() {
    assertThat(FenceRecordJson.encode(RECORD))
        .isEqualTo(
            "{\"requestedAt\":\"2026-12-07T07:34:31Z\",\"finishedAt\":\"2026-12-07T07:34:32.500Z\","
                + "\"requester\":\"db-a\",\"target\":\"db-c\",\"action\":\"off\",\"level\":2,"
                + "\"devices\":[\"pdu-1\",\"ipmi \\\"b\\\"\"],\"status\":\"SUCCEEDED\","
                + "\"reason\":\"FENCED\",\"explanation\":\"quote \\\" slash \\\\ nl \\n cr \\r tab"
                + " \\t bell \\u0007 <b>&amp; caf\u00e9 \u2028\"}");
    assertThat(
            FenceRecordJson.encode(
                FenceRecord.confirmation(RECORD.requestedAt(), "db-c", "ops", "r")))
        .contains("\"level\":0,\"devices\":[],");
  }

  @Test
  void whatIsWrittenReadsBackAsTheSameRecord() {
    assertThat(FenceRecordJson.decode(FenceRecordJson.encode(RECORD))).isEqualTo(RECORD);
  }

  @Test
  void aLineThatIsNoFenceRecordIsRefusedSayingWhy() {
    assertThatThrownBy(() -> FenceRecordJson.decode("not json"))
        .isInstanceOf(IllegalArgumentException.class);
    String noTarget = FenceRecordJson.encode(RECORD).replace("\"target\"", "\"targets\"");
    assertThatThrownBy(() -> FenceRecordJson.decode(noTarget))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'target'");
    String badLevel = FenceRecordJson.encode(RECORD).replace("\"level\":2", "\"level\":[]");
    assertThatThrownBy(() -> FenceRecordJson.decode(badLevel))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'level'");
  }
}
