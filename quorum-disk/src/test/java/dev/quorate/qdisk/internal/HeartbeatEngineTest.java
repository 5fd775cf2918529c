package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.FaultyBlockDevice.BitFlip;
import dev.quorate.qdisk.internal.FaultyBlockDevice.IoError;
import dev.quorate.qdisk.internal.FaultyBlockDevice.Lost;
import dev.quorate.qdisk.internal.FaultyBlockDevice.Torn;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.SelfFenceReason;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class HeartbeatEngineTest {
  private static final int TKO = SimCluster.TIMING.tko();

  private static SimCluster threeNodesWithMaster() throws Exception {
    SimCluster c = new SimCluster(1, 4);
    for (int n = 1; n <= 3; n++) {
      c.start(n);
    }
    c.beatUntil(() -> allSeeMaster(c, 1, 2, 3), 30);
    return c;
  }

  private static boolean allSeeMaster(SimCluster c, int master, int... nodes) {
    for (int n : nodes) {
      if (!c.engines.get(n).currentMaster().equals(Optional.of(MemberId.of(master)))) {
        return false;
      }
    }
    return true;
  }

  private static NodeStatus seenBy(SimCluster c, int observer, int node) {
    return c.engines.get(observer).status().nodes().stream()
        .filter(s -> s.nodeId() == node)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void lowestEligibleNodeBecomesMasterAndEveryoneAgrees() throws Exception {
    SimCluster c = threeNodesWithMaster();
    assertThat(c.engines.get(1).status().state()).isEqualTo(SlotState.MASTER);
    assertThat(c.engines.get(1).status().term()).isEqualTo(1);
    c.beat(2);
    for (int n = 2; n <= 3; n++) {
      assertThat(c.engines.get(n).status().term()).isEqualTo(1);
      assertThat(seenBy(c, n, 1).liveness()).isEqualTo(NodeLiveness.UP);
    }
    assertThat(
            c.engines
                .get(1)
                .voteSource("qdisk", 1)
                .castsVote(new java.util.TreeSet<>(List.of(MemberId.of(1)))))
        .isTrue();
  }

  @Test
  void listenersSeeEventsOnlyAfterStatusShowsThem() throws Exception {
    SimCluster c = threeNodesWithMaster();
    c.paused.add(1);
    c.beatUntil(() -> allSeeMaster(c, 2, 2, 3), 30);
    assertThat(c.events).isNotEmpty();
    assertThat(c.eventsAheadOfStatus).isEmpty();
  }

  @Test
  void tieBreakerGrantsTheHalfWithTheMasterAndLivenessTracksProgressOnly() throws Exception {
    SimCluster c = threeNodesWithMaster();
    var tieBreaker = c.engines.get(2).tieBreaker();
    var topology =
        dev.quorate.quorum.Topology.builder()
            .member(1, 1, "h1")
            .member(2, 1, "h2")
            .member(3, 1, "h3")
            .member(4, 1, "h4")
            .build();
    var empty = new java.util.TreeSet<MemberId>();
    assertThat(
            tieBreaker.grants(
                new dev.quorate.quorum.TieContext(
                    topology,
                    new java.util.TreeSet<>(List.of(MemberId.of(1), MemberId.of(4))),
                    empty,
                    empty)))
        .isTrue();
    assertThat(
            tieBreaker.grants(
                new dev.quorate.quorum.TieContext(
                    topology,
                    new java.util.TreeSet<>(List.of(MemberId.of(2), MemberId.of(3))),
                    empty,
                    empty)))
        .isFalse();
    var liveness = c.engines.get(2).livenessSource();
    long before = liveness.lastSeenNanos(MemberId.of(1)).orElseThrow();
    c.paused.add(1);
    c.beat(3);
    // A silent node's last sign of life stays where it was; a live one's moves on.
    assertThat(liveness.lastSeenNanos(MemberId.of(1))).hasValue(before);
    assertThat(liveness.lastSeenNanos(MemberId.of(3)).orElseThrow()).isGreaterThan(before);
    assertThat(liveness.lastSeenNanos(MemberId.of(4))).isEmpty();
  }

  @Test
  void silentMasterIsDownAfterTkoThenEvictedAndTheNextLowestTakesOverWithAHigherTerm()
      throws Exception {
    SimCluster c = threeNodesWithMaster();
    c.paused.add(1);
    int beats = c.beatUntil(() -> seenBy(c, 2, 1).liveness() == NodeLiveness.DOWN, 20);
    assertThat(beats).isBetween(TKO, TKO + 1);
    c.beatUntil(() -> allSeeMaster(c, 2, 2, 3), 20);
    assertThat(c.engines.get(2).status().term()).isEqualTo(2);
    c.beat();
    assertThat(seenBy(c, 2, 1).evicted()).isTrue();
    assertThat(c.events).anyMatch(e -> e.kind() == QuorumDiskEvent.Kind.EVICTED && e.nodeId() == 1);

    // The old master resumes: its deadline passed while paused, so it fences before writing.
    long seqBefore = seenBy(c, 2, 1).sequence();
    c.paused.remove(1);
    c.beat();
    assertThat(c.fenced).containsEntry(1, SelfFenceReason.RENEWAL_DEADLINE);
    assertThat(c.engines.get(1).currentMaster()).isEmpty();
    c.beat();
    assertThat(seenBy(c, 2, 1).sequence()).isEqualTo(seqBefore);
    assertThat(seenBy(c, 2, 1).undeadWrites()).isZero();
  }

  @Test
  void oldTenureEndsBeforeTheNewOneStarts() throws Exception {
    SimCluster c = threeNodesWithMaster();
    c.paused.add(1);
    c.beatUntil(() -> allSeeMaster(c, 2, 2, 3), 30);
    long oldUntil =
        c.events.stream()
            .filter(e -> e.kind() == QuorumDiskEvent.Kind.TENURE && e.nodeId() == 1)
            .mapToLong(e -> e.untilNanos() - 1 * 7_919_000_000L)
            .max()
            .orElseThrow();
    long newStart =
        c.events.stream()
            .filter(e -> e.kind() == QuorumDiskEvent.Kind.TENURE && e.nodeId() == 2)
            .mapToLong(e -> e.atNanos() - 2 * 7_919_000_000L)
            .min()
            .orElseThrow();
    assertThat(oldUntil).isLessThan(newStart);
  }

  @Test
  void tornLostAndCorruptRecordsAreMissesNeverADeadNodeNorAVote() throws Exception {
    SimCluster c = threeNodesWithMaster();
    // Node 2's writes fail every other beat: lost, torn after one sector, torn after seven, I/O
    // error. Consecutive failures would (rightly) reach its renewal deadline of three intervals.
    FaultyBlockDevice.Fault[] faults = {new Lost(), new Torn(1), new Torn(7), new IoError()};
    // Node 3 reads node 1's (the master's) slot with a flipped state byte, twice.
    int stateByte = 4096 + 28 + 4 + 8 + 8;
    for (FaultyBlockDevice.Fault f : faults) {
      c.faults(2, 0).onWrite(f);
      c.faults(3, 0).onRead(new BitFlip(stateByte, 2));
      c.beat(2);
    }
    NodeStatus twoSeenByThree = seenBy(c, 3, 2);
    assertThat(twoSeenByThree.totalMisses()).isEqualTo(4);
    assertThat(twoSeenByThree.corruptReads()).isEqualTo(2);
    assertThat(seenBy(c, 3, 1).corruptReads()).isEqualTo(4);
    assertThat(c.engines.get(2).status().ownMisses()).isEqualTo(4);
    c.beat(TKO * 2);
    for (int observer = 1; observer <= 3; observer++) {
      for (NodeStatus s : c.engines.get(observer).status().nodes()) {
        if (s.nodeId() <= 3) {
          assertThat(s.liveness())
              .as("%d seen by %d", s.nodeId(), observer)
              .isEqualTo(NodeLiveness.UP);
        }
      }
    }
    assertThat(allSeeMaster(c, 1, 1, 2, 3)).isTrue();
    assertThat(c.fenced).isEmpty();
    assertThat(c.events).noneMatch(e -> e.kind() == QuorumDiskEvent.Kind.NODE_DOWN);
    assertThat(c.events)
        .noneMatch(
            e ->
                e.kind() == QuorumDiskEvent.Kind.MASTER_CHANGED
                    && e.nodeId() != 1
                    && e.atNanos() > 0
                    && e.nodeId() != 0);
  }

  @Test
  void evictionInTheMailboxFencesTheCurrentIncarnationOnly() throws Exception {
    SimCluster c = threeNodesWithMaster();
    long inc = c.engines.get(3).status().incarnation();
    DiskReader.deliver(
        c.disks.get(0), c.headers.get(0), new MailboxMessage(3, MessageType.EVICT, 1, inc + 1, 99));
    c.beat(2);
    assertThat(c.fenced).doesNotContainKey(3);
    DiskReader.deliver(
        c.disks.get(0), c.headers.get(0), new MailboxMessage(3, MessageType.EVICT, 1, inc, 100));
    c.beat();
    assertThat(c.fenced).containsEntry(3, SelfFenceReason.EVICTED);
  }

  @Test
  void aPoisonPillFencesTheNodeAsSuch() throws Exception {
    SimCluster c = threeNodesWithMaster();
    long inc = c.engines.get(2).status().incarnation();
    DiskReader.deliver(
        c.disks.get(0), c.headers.get(0), new MailboxMessage(2, MessageType.OFF, 0, inc, 7));
    c.beat();
    assertThat(c.fenced).containsEntry(2, SelfFenceReason.POISON_PILL);
  }

  @Test
  void restartIsSeenThroughANewIncarnationAndStaleEvictionsAreCleared() throws Exception {
    SimCluster c = threeNodesWithMaster();
    long inc = c.engines.get(3).status().incarnation();
    c.engines.get(3).close();
    c.beat();
    assertThat(seenBy(c, 2, 3).liveness()).isEqualTo(NodeLiveness.STOPPED);
    DiskReader.deliver(
        c.disks.get(0), c.headers.get(0), new MailboxMessage(3, MessageType.RESET, 0, inc, 5));
    HeartbeatEngine again = c.start(3);
    assertThat(again.status().incarnation()).isEqualTo(inc + 1);
    c.beatUntil(() -> seenBy(c, 2, 3).liveness() == NodeLiveness.UP, 10);
    assertThat(c.fenced).doesNotContainKey(3);
    assertThat(
            DiskReader.readMailbox(c.disks.get(0), c.headers.get(0), 3)
                .value()
                .orElseThrow()
                .type())
        .isEqualTo(MessageType.CLEAR);
  }

  @Test
  void aWriteAfterBeingDeclaredDownIsUndeadAndNeverRevivesTheNode() throws Exception {
    SimCluster c = threeNodesWithMaster();
    c.paused.add(3);
    c.beatUntil(() -> seenBy(c, 1, 3).evicted(), 20);
    HeartbeatSlot last =
        DiskReader.readSlot(c.disks.get(0), c.headers.get(0), 3).value().orElseThrow();
    HeartbeatSlot late = last.next(SlotState.RUN, 1, true, 1, 1, List.of(1, 2, 3));
    c.disks
        .get(0)
        .write(Layout.slotOffset(3), RecordCodec.encodeSlot(c.headers.get(0).diskId(), late));
    c.beat(3);
    assertThat(seenBy(c, 1, 3).undeadWrites()).isEqualTo(1);
    assertThat(seenBy(c, 1, 3).liveness()).isEqualTo(NodeLiveness.DOWN);
    assertThat(c.events).anyMatch(e -> e.kind() == QuorumDiskEvent.Kind.UNDEAD_WRITE);
  }

  @Test
  void aNodeKeepsRunningOnTwoOfThreeDisksAndFencesItselfOnOneOfThree() throws Exception {
    SimCluster c = new SimCluster(3, 3);
    c.start(1);
    c.start(2);
    c.beatUntil(() -> allSeeMaster(c, 1, 1, 2), 30);
    for (int i = 0; i < 40; i++) {
      c.faults(2, 0).onWrite(new IoError());
    }
    c.beat(TKO * 3);
    assertThat(c.fenced).isEmpty();
    assertThat(seenBy(c, 1, 2).liveness()).isEqualTo(NodeLiveness.UP);
    assertThat(c.engines.get(2).status().disks().get(0).renewed()).isFalse();

    for (int i = 0; i < 40; i++) {
      c.faults(2, 1).onWrite(new IoError());
    }
    int beats = c.beatUntil(() -> c.fenced.containsKey(2), 20);
    assertThat(c.fenced).containsEntry(2, SelfFenceReason.RENEWAL_DEADLINE);
    // Fenced within the renewal deadline (300 ms = 3 intervals) plus the beat that notices it.
    assertThat(beats).isLessThanOrEqualTo(4);
  }

  @Test
  void anIneligibleNodeNeverBidsAndAMasterThatLosesEligibilityStepsDown() throws Exception {
    SimCluster c = new SimCluster(1, 3);
    c.scores.put(1, new java.util.concurrent.atomic.AtomicInteger(0));
    for (int n = 1; n <= 3; n++) {
      c.start(n);
    }
    c.beatUntil(() -> allSeeMaster(c, 2, 1, 2, 3), 30);
    c.scores.get(2).set(0);
    c.beatUntil(() -> allSeeMaster(c, 3, 1, 2, 3), 30);
    assertThat(c.engines.get(3).status().term()).isEqualTo(2);
  }

  @Test
  void aCleanlyStoppedMasterIsReplacedWithoutWaitingForTko() throws Exception {
    SimCluster c = threeNodesWithMaster();
    c.engines.get(1).close();
    int beats = c.beatUntil(() -> allSeeMaster(c, 2, 2, 3), 20);
    assertThat(beats).isLessThan(TKO);
    assertThat(c.events).noneMatch(e -> e.kind() == QuorumDiskEvent.Kind.EVICTED);
  }

  @Test
  void startRefusesASlotWhoseSequenceIsAtItsMaximumAndWritesNothing() throws Exception {
    SimCluster c = new SimCluster(1, 3);
    HeartbeatSlot max =
        new HeartbeatSlot(
            2, 4, Long.MAX_VALUE, SlotState.RUN, 0, true, 0, 0, List.of(), "test-host");
    c.disks
        .get(0)
        .write(Layout.slotOffset(2), RecordCodec.encodeSlot(c.headers.get(0).diskId(), max));
    byte[] before = image(c.disks.get(0));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.start(2))
        .hasMessageContaining("sequence at its maximum");
    assertThat(image(c.disks.get(0))).isEqualTo(before);
  }

  static byte[] image(MemoryBlockDevice d) throws Exception {
    ByteBuffer b = ByteBuffer.allocate((int) d.size());
    d.read(0, b);
    return b.array();
  }
}
