package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FenceRecoveryGateTest {
  private static final Instant HELD_SINCE = Instant.parse("2026-12-02T20:00:00Z");

  private final FakeClock clock = new FakeClock();
  private final FenceHistory history = FenceHistory.inMemory();
  private final FenceRecoveryGate gate = FenceRecoveryGate.of(history).withClock(clock);

  private void append(
      String target,
      FenceAction action,
      FenceResult.Status status,
      FenceReason r,
      Instant finished) {
    history.append(
        new FenceRecord(
            finished.minusSeconds(1),
            finished,
            "b",
            target,
            action,
            1,
            List.of("pdu"),
            status,
            r,
            "test"));
  }

  @Test
  void closedWithoutAnyRecord() {
    assertThat(gate.recovered("a", HELD_SINCE, clock.nanoTime())).isFalse();
  }

  @Test
  void opensOnEveryReasonThatStoppedTheTarget() {
    for (FenceReason reason :
        List.of(
            FenceReason.FENCED,
            FenceReason.FENCED_ALREADY_OFF,
            FenceReason.CONFIRMED_BY_OPERATOR)) {
      FenceHistory h = FenceHistory.inMemory();
      h.append(
          new FenceRecord(
              HELD_SINCE,
              HELD_SINCE.plusSeconds(5),
              "b",
              "a",
              FenceAction.OFF,
              1,
              List.of(),
              FenceResult.Status.SUCCEEDED,
              reason,
              "test"));
      assertThat(FenceRecoveryGate.of(h).recovered("a", HELD_SINCE, clock.nanoTime()))
          .as(reason.name())
          .isTrue();
    }
  }

  @Test
  void staysClosedOnFailuresUnfencesOtherTargetsAndOldFences() {
    append(
        "a",
        FenceAction.OFF,
        FenceResult.Status.FAILED,
        FenceReason.AGENT_FAILED,
        HELD_SINCE.plusSeconds(5));
    append(
        "a",
        FenceAction.ON,
        FenceResult.Status.SUCCEEDED,
        FenceReason.UNFENCED,
        HELD_SINCE.plusSeconds(6));
    append(
        "c",
        FenceAction.OFF,
        FenceResult.Status.SUCCEEDED,
        FenceReason.FENCED,
        HELD_SINCE.plusSeconds(7));
    // A fence of an earlier life of "a", before it asked for the lock it then lost.
    append(
        "a",
        FenceAction.OFF,
        FenceResult.Status.SUCCEEDED,
        FenceReason.FENCED,
        HELD_SINCE.minusSeconds(60));
    assertThat(gate.recovered("a", HELD_SINCE, clock.nanoTime())).isFalse();
  }

  @Test
  void aRebootThatStartedBeforeTheGrantDoesNotCoverIt() {
    // The reboot of a fast-booting guest: power cut at 19:59:58, back on, the guest rejoined and
    // was granted the lock at 20:00:00; the fencer wrote its record at 20:00:05. Only the start
    // says when the power was cut.
    history.append(
        new FenceRecord(
            HELD_SINCE.minusSeconds(2),
            HELD_SINCE.plusSeconds(5),
            "b",
            "a",
            FenceAction.REBOOT,
            1,
            List.of("pdu"),
            FenceResult.Status.SUCCEEDED,
            FenceReason.FENCED,
            "test"));
    assertThat(gate.recovered("a", HELD_SINCE, clock.nanoTime()))
        .as("a reboot begun before the grant covers the new grant")
        .isFalse();
  }

  @Test
  void aPeerRecordAloneDoesNotOpenTheGate() {
    // FENCED_BY_PEER says another fencer's request succeeded; its own FENCED record is what
    // counts (with its own start), and here it began before the grant.
    history.append(
        new FenceRecord(
            HELD_SINCE.plusSeconds(1),
            HELD_SINCE.plusSeconds(5),
            "c",
            "a",
            FenceAction.OFF,
            0,
            List.of(),
            FenceResult.Status.SUCCEEDED,
            FenceReason.FENCED_BY_PEER,
            "test"));
    assertThat(gate.recovered("a", HELD_SINCE, clock.nanoTime())).isFalse();
  }

  @Test
  void opensOnceAFenceIsAppendedLater() {
    long lostAt = clock.nanoTime();
    assertThat(gate.recovered("a", HELD_SINCE, lostAt)).isFalse();
    append(
        "a",
        FenceAction.REBOOT,
        FenceResult.Status.SUCCEEDED,
        FenceReason.FENCED,
        HELD_SINCE.plusSeconds(30));
    assertThat(gate.recovered("a", HELD_SINCE, lostAt)).isTrue();
  }

  @Test
  void selfFenceDeadlineIsOffByDefault() {
    long lostAt = clock.nanoTime();
    clock.advance(Duration.ofDays(365));
    assertThat(gate.selfFenceDeadline()).isEmpty();
    assertThat(gate.recovered("a", HELD_SINCE, lostAt)).isFalse();
  }

  @Test
  void selfFenceDeadlineOpensOnTheMonotonicClock() {
    FenceRecoveryGate sbd = gate.withSelfFenceDeadline(Duration.ofSeconds(40));
    long lostAt = clock.nanoTime();
    clock.advance(Duration.ofSeconds(39));
    assertThat(sbd.recovered("a", HELD_SINCE, lostAt)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(sbd.recovered("a", HELD_SINCE, lostAt)).isTrue();
  }

  @Test
  void refusesANonPositiveDeadline() {
    assertThatThrownBy(() -> gate.withSelfFenceDeadline(Duration.ZERO))
        .isInstanceOf(dev.quorate.lock.ConfigurationException.class)
        .hasMessageContaining("PT0S is invalid; accepted: a positive duration");
  }
}
