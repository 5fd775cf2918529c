package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The quorum-disk checker on hand-made logs: a good run passes, each broken invariant is caught.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QdiskCheckerTest {
  private static final long MS = 1_000_000L;

  private final Map<Integer, List<QdiskEvent>> events = new TreeMap<>();
  private final List<SlotWrite> writes = new ArrayList<>();
  private final List<QdiskFault> faults = new ArrayList<>();

  private void event(int logOf, String line) {
    events.computeIfAbsent(logOf, n -> new ArrayList<>()).add(QdiskEvent.parse(line).orElseThrow());
  }

  /** Node 1 masters until 1000 ms, is paused, evicted by node 2 at 1500 ms, which then masters. */
  private void goodFailover() {
    event(1, "TENURE node=1 term=1 at=" + 100 * MS + " until=" + 1000 * MS + " master until");
    event(2, "EVICTED node=1 term=2 at=" + 1500 * MS + " until=0 evicted node 1 incarnation 7");
    event(2, "MASTER_CHANGED node=2 term=2 at=" + 1500 * MS + " until=0 master is now node 2");
    event(2, "TENURE node=2 term=2 at=" + 1500 * MS + " until=" + 2500 * MS + " master until");
    writes.add(new SlotWrite(900 * MS, 0, 1, 7, 41));
    writes.add(new SlotWrite(1600 * MS, 0, 2, 3, 12));
    writes.add(new SlotWrite(3000 * MS, 0, 1, 8, 1)); // restarted: a new incarnation may write
    faults.add(new QdiskFault(QdiskFault.PAUSE_MASTER, 1, -1, 950 * MS, 2000 * MS, "exit=70"));
  }

  @Test
  void aCleanFailoverPasses() {
    goodFailover();
    QdiskChecker.Result r = QdiskChecker.check(events, writes, faults);
    assertThat(r.violations()).isEmpty();
    assertThat(r.tenures()).isEqualTo(2);
    assertThat(r.evictions()).isEqualTo(1);
    assertThat(r.recoveryMillis().get(QdiskFault.PAUSE_MASTER)).containsExactly(550L);
  }

  @Test
  void overlappingTenuresOfTwoNodesAreAViolation() {
    goodFailover();
    event(1, "TENURE node=1 term=1 at=" + 1000 * MS + " until=" + 1600 * MS + " master until");
    assertThat(QdiskChecker.check(events, writes, faults).violations())
        .anyMatch(v -> v.startsWith("master tenures overlap"));
  }

  @Test
  void anEvictedIncarnationThatWritesOnIsAViolation() {
    goodFailover();
    writes.add(new SlotWrite(2400 * MS, 1, 1, 7, 42));
    assertThat(QdiskChecker.check(events, writes, faults).violations())
        .anyMatch(v -> v.startsWith("evicted node wrote on"));
  }

  @Test
  void theRoundInFlightAtTheEvictionIsAllowed() {
    goodFailover();
    writes.add(new SlotWrite(1500 * MS + QdiskChecker.ALLOWANCE_NANOS, 1, 1, 7, 42));
    assertThat(QdiskChecker.check(events, writes, faults).violations()).isEmpty();
  }

  @Test
  void aPausedMasterThatDidNotFenceItselfIsAViolation() {
    goodFailover();
    faults.set(
        0, new QdiskFault(QdiskFault.PAUSE_MASTER, 1, -1, 950 * MS, 2000 * MS, "still-running"));
    assertThat(QdiskChecker.check(events, writes, faults).violations())
        .anyMatch(v -> v.startsWith("a paused master did not fence itself"));
  }

  @Test
  void nodesLostDuringADiskFaultAreCountedUntilTheNextFault() {
    goodFailover();
    faults.add(0, new QdiskFault(QdiskFault.LOSE_DISK, -1, 1, 10 * MS, 20 * MS, "restored"));
    event(3, "NODE_DOWN node=2 term=0 at=" + 500 * MS + " until=0 node 2 is DOWN");
    QdiskChecker.Result r = QdiskChecker.check(events, writes, faults);
    // The NODE_DOWN at 500 ms counts; the eviction at 1500 ms belongs to the pause at 950 ms.
    assertThat(r.nodesLostToDiskFaults()).isEqualTo(1);
  }
}
