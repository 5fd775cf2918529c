package dev.quorate.samples.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import dev.quorate.samples.ledger.WriterEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LedgerCheckTest {
  private static final String RUN = "r1";
  private static final Map<String, Integer> PLAN = Map.of("w1", 2, "w2", 2);

  /** w1 writes 1, freezes with 3 before entry 2; w2 writes 1 and 2 with 4 and 5; w1 retries. */
  private final List<WriterEvent> events =
      new ArrayList<>(
          List.of(
              accepted("w1", 1, 1),
              event("w1", Kind.PAUSING, 2, 3, null),
              accepted("w2", 1, 4),
              accepted("w2", 2, 5),
              event("w1", Kind.REFUSED, 2, 3, 5L),
              accepted("w1", 2, 6)));

  private final List<LedgerEntry> ledger =
      new ArrayList<>(
          List.of(entry("w1", 1, 1), entry("w2", 1, 4), entry("w2", 2, 5), entry("w1", 2, 6)));

  @Test
  void aConsistentLedgerHasNoProblems() {
    assertThat(LedgerCheck.problems(RUN, ledger, events, PLAN, "w1")).isEmpty();
  }

  @Test
  void aStaleWriteInTheLedgerIsReported() {
    ledger.add(3, entry("w1", 2, 3));
    events.removeIf(e -> e.kind() == Kind.REFUSED);
    events.add(accepted("w1", 2, 3));

    assertThat(LedgerCheck.problems(RUN, ledger, events, PLAN, "w1"))
        .contains("w1's write with its stale token 3.0 was not refused")
        .contains("the ledger holds a write with w1's stale token 3.0")
        .anyMatch(p -> p.contains("not newer than 5.0"));
  }

  @Test
  void aLostEntryIsReported() {
    ledger.remove(2);

    assertThat(LedgerCheck.problems(RUN, ledger, events, PLAN, "w1"))
        .contains("w2's entry 2 is in the ledger 0 times")
        .contains("w2 saw entry 2 accepted with token 5.0, but the ledger holds it 0 times");
  }

  @Test
  void anUnreportedWriteIsReported() {
    ledger.add(entry("w2", 3, 9));

    assertThat(LedgerCheck.problems(RUN, ledger, events, PLAN, "w1"))
        .contains("the ledger holds '9.0 w2 3 r1', which no writer saw accepted");
  }

  @Test
  void withoutATakeoverThePauseProvesNothing() {
    List<LedgerEntry> alone = List.of(entry("w1", 1, 1), entry("w1", 2, 6));
    List<WriterEvent> quiet =
        List.of(
            accepted("w1", 1, 1),
            event("w1", Kind.PAUSING, 2, 3, null),
            event("w1", Kind.REFUSED, 2, 3, 5L),
            accepted("w1", 2, 6));

    assertThat(LedgerCheck.problems(RUN, alone, quiet, Map.of("w1", 2), "w1"))
        .containsExactly("no other writer wrote with a token newer than the stale 3.0");
  }

  private static LedgerEntry entry(String writer, int n, long token) {
    return new LedgerEntry(FencingToken.of(token), writer, n, RUN);
  }

  private static WriterEvent accepted(String writer, int n, long token) {
    return event(writer, Kind.ACCEPTED, n, token, null);
  }

  private static WriterEvent event(String writer, Kind kind, int n, long token, Long highest) {
    return new WriterEvent(
        writer,
        kind,
        n,
        FencingToken.of(token),
        highest == null ? null : FencingToken.of(highest),
        "");
  }
}
