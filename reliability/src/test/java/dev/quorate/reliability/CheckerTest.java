package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checker on hand-made histories: it passes a good one and catches every kind of bad one. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CheckerTest {
  private static final long S = 1_000_000_000L;

  /** Builds a run the way the harness would record it. */
  private static final class Run {
    final Map<String, List<String>> histories = new TreeMap<>();
    final List<String> resource = new ArrayList<>();
    final List<FaultRecord> faults = new ArrayList<>();
    final List<String> clocks = new ArrayList<>();
    final List<String> exits = new ArrayList<>();
    boolean fenced = true;
    long counter;
    int nodesLeft;
    long value;

    Run client(String id) {
      histories.put(id, new ArrayList<>(List.of("start " + 1)));
      clocks.add(id + " 0 1 2");
      exits.add(id + " exit 0");
      return this;
    }

    /** A complete cycle: invoke, grant, one acknowledged write, release. */
    Run cycle(String id, long seq, long invoke, long grant, String token) {
      List<String> h = histories.get(id);
      h.add("invoke " + invoke + " " + seq);
      h.add("grant " + grant + " " + seq + " " + token);
      value++;
      counter++;
      resource.add("accept " + (grant + 1) + " " + id + " " + seq + " " + token + " " + value);
      h.add("ack " + (grant + 2) + " " + seq + " " + token + " " + value);
      h.add("release " + (grant + 3) + " " + seq);
      return this;
    }

    RunRecord record() {
      return new RunRecord(fenced, histories, resource, counter, faults, clocks, nodesLeft, exits);
    }
  }

  private static Run good() {
    return new Run()
        .client("client-1")
        .client("client-2")
        .cycle("client-1", 1, 10, 20, "100.0")
        .cycle("client-2", 1, 15, 30, "101.0")
        .cycle("client-1", 2, 25, 40, "102.0");
  }

  @Test
  void aGoodRunPasses() {
    CheckResult r = Checker.check(good().record());
    assertThat(r.violations()).isEmpty();
    assertThat(r.grants()).isEqualTo(3);
    assertThat(r.acknowledged()).isEqualTo(3);
    assertThat(r.overlaps()).isZero();
  }

  @Test
  void aStaleHolderWhoseLeaseNeverReportedTheLossIsAViolation() {
    Run reported = good();
    reported
        .histories
        .get("client-1")
        .addAll(List.of("stale 41 2 102.0", "state 42 2 102.0 LOST", "reported 43 2 102.0 LOST"));
    assertThat(Checker.check(reported.record()).violations()).isEmpty();

    Run silent = good();
    silent.histories.get("client-1").addAll(List.of("stale 41 2 102.0", "unreported 43 2 102.0"));
    assertThat(Checker.check(silent.record()).violations())
        .anyMatch(v -> v.contains("never reported SUSPECT or LOST"));
  }

  @Test
  void aDiskLeaseRunHasNoLockNodesButAZooKeeperRunMustCountThem() {
    Run disk = good();
    disk.nodesLeft = -1;
    assertThat(Checker.check(disk.record()).violations()).isEmpty();
    Run unrecorded = good();
    unrecorded.nodesLeft = RunRecord.UNKNOWN;
    assertThat(Checker.check(unrecorded.record()).violations())
        .anyMatch(v -> v.contains("did not record the lock nodes"));
  }

  @Test
  void aTokenGrantedTwiceIsAViolation() {
    Run run = good().cycle("client-2", 2, 50, 60, "101.0");
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(v -> v.contains("token 101.0 granted twice"));
  }

  @Test
  void aLaterGrantWithASmallerTokenIsAViolation() {
    // client-2's acquire was invoked at 50, after client-1's grant returned at 40 with 102.0.
    Run run = good().cycle("client-2", 2, 50, 60, "99.0");
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(v -> v.startsWith("token order is not grant order"));
  }

  @Test
  void concurrentAcquiresMayBeGrantedInEitherTokenOrder() {
    // Both invoked before either returned: real time does not order them.
    Run run =
        new Run()
            .client("client-1")
            .client("client-2")
            .cycle("client-1", 1, 10, 30, "101.0")
            .cycle("client-2", 1, 12, 40, "100.0");
    // The resource saw 101 then 100: a stale write, which a fenced resource must refuse.
    run.fenced = false;
    CheckResult r = Checker.check(run.record());
    assertThat(r.violations()).isEmpty();
    assertThat(r.overlaps()).isEqualTo(1);
  }

  @Test
  void aFencedResourceAcceptingAnOlderTokenIsAViolation() {
    Run run =
        new Run()
            .client("client-1")
            .client("client-2")
            .cycle("client-1", 1, 10, 30, "101.0")
            .cycle("client-2", 1, 12, 40, "100.0");
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(v -> v.startsWith("resource accepted 100.0 after 101.0"));
  }

  @Test
  void aCounterThatDisagreesWithTheAcceptedWritesIsAViolation() {
    Run run = good();
    run.counter = 4;
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(v -> v.contains("counter is 4 but the resource logged 3 accepted writes"));
  }

  @Test
  void anAcknowledgedIncrementTheResourceForgotIsAViolation() {
    // A resource that restarted without its log's last write: acknowledged, then lost.
    Run run = good();
    run.resource.remove(2);
    run.counter = 2;
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(
            v ->
                v.equals(
                    "acknowledged increment lost (not in the resource's log): client-1 2 102.0 3"));
  }

  /**
   * client-2's grant 2 wrote once, accepted; then the client or the resource died before the reply.
   */
  private static Run inFlight(String end) {
    Run run = good();
    List<String> h = run.histories.get("client-2");
    h.add("invoke 50 2");
    h.add("grant 60 2 103.0");
    run.resource.add("accept 61 client-2 2 103.0 4");
    run.counter = 4;
    if (end != null) {
      h.add(end);
    }
    return run;
  }

  @Test
  void anAcceptedWriteWithoutAcknowledgementIsAViolation() {
    assertThat(Checker.check(inFlight(null).record()).violations())
        .anyMatch(v -> v.startsWith("resource accepted a write its client never saw acknowledged"));
  }

  @Test
  void aWriteInFlightWhenItsClientWasKilledOrTheResourceDiedMayHaveLanded() {
    assertThat(Checker.check(inFlight("killed 70").record()).violations()).isEmpty();
    assertThat(Checker.check(inFlight("unknown 70 2 103.0 0").record()).violations()).isEmpty();
  }

  @Test
  void anAcknowledgementWithAnUngrantedTokenIsAViolation() {
    Run run = good();
    run.histories.get("client-2").add("ack 99 1 555.0 4");
    run.counter = 4;
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(v -> v.contains("acknowledged write with a token it was not granted"));
  }

  @Test
  void anAcceptedWriteNoGrantExplainsIsAViolation() {
    Run run = good();
    run.resource.add("accept 99 client-2 9 103.0 4");
    run.counter = 4;
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(v -> v.startsWith("resource accepted a write no grant explains"));
  }

  @Test
  void lockNodesLeftUncleanExitsAndForeignClocksAreViolations() {
    Run run = good();
    run.nodesLeft = 2;
    run.exits.set(0, "client-1 killed: did not stop in 90 s");
    run.clocks.set(1, "client-2 100 5 200");
    List<String> v = Checker.check(run.record()).violations();
    assertThat(v).anyMatch(s -> s.equals("2 lock nodes left after shutdown"));
    assertThat(v).anyMatch(s -> s.startsWith("client did not stop cleanly: client-1"));
    assertThat(v).anyMatch(s -> s.startsWith("a client's clock is not the harness's"));
  }

  @Test
  void recoveryIsTimedFromTheFaultToTheNextGrantsWrite() {
    Run run = good();
    run.faults.add(new FaultRecord(Fault.PAUSE_HOLDER, "client-1", 22, 23, true));
    CheckResult r = Checker.check(run.record());
    // The next grant after 22 returned at 30; its write was acknowledged at 32.
    assertThat(r.recoveryMillis().get(Fault.PAUSE_HOLDER)).containsExactly(0L);
    assertThat(r.faults()).containsEntry(Fault.PAUSE_HOLDER, 1);
  }

  @Test
  void noGrantForAMinuteAfterAFaultIsAViolation() {
    Run run = good();
    run.faults.add(new FaultRecord(Fault.KILL_LEADER, "zk1", 45, 46, true));
    run.cycle("client-2", 2, 50, 70 * S, "103.0");
    assertThat(Checker.check(run.record()).violations())
        .anyMatch(v -> v.startsWith("no grant within 60 s after fault KILL_LEADER"));
  }

  @Test
  void aFaultWithoutEffectIsCountedNotTimed() {
    Run run = good();
    run.faults.add(new FaultRecord(Fault.LOSE_CREATE_REPLY, "client-1", 5, 6, false));
    CheckResult r = Checker.check(run.record());
    assertThat(r.faultsWithoutEffect()).containsEntry(Fault.LOSE_CREATE_REPLY, 1);
    assertThat(r.recoveryMillis()).doesNotContainKey(Fault.LOSE_CREATE_REPLY);
    assertThat(r.violations()).isEmpty();
  }
}
