package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.FaultyBlockDevice.IoError;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stop (SIGTERM) that races a heartbeat in flight. */
class HeartbeatEngineCloseTest {

  /**
   * The heartbeat's I/O fails because the stop interrupted it (a closed channel): the master's
   * tenure ends because it stopped, not because its disks failed to renew.
   */
  @Test
  @Timeout(30)
  void aMasterStoppedDuringAHeartbeatEndsItsTenureAsStoppedCleanly() throws Exception {
    SimCluster c = new SimCluster(1, 4);
    for (int n = 1; n <= 3; n++) {
      c.start(n);
    }
    c.beatUntil(() -> c.engines.get(1).currentMaster().equals(Optional.of(MemberId.of(1))), 30);
    HeartbeatEngine master = c.engines.get(1);
    FaultyBlockDevice disk = c.faults(1, 0);
    disk.onWrite(new IoError()).onRead(new IoError());
    stopDuringABeat(master, disk);

    assertThat(c.events)
        .filteredOn(e -> e.kind() == QuorumDiskEvent.Kind.TENURE_ENDED)
        .extracting(QuorumDiskEvent::detail)
        .containsExactly("stopped cleanly");
  }

  /** A stop that overtakes the beat finding a second writer in the node's own slot. */
  @Test
  @Timeout(30)
  void aSecondWriterFoundByABeatThatAStopOvertookFencesAndGetsNoStoppedRecord() throws Exception {
    SimCluster c = new SimCluster(1, 4);
    HeartbeatEngine engine = c.start(1);
    c.beat(2);
    c.writeForeignRecord(1);
    stopDuringABeat(engine, c.faults(1, 0));

    HeartbeatSlot slot = DiskReader.readSlot(c.disks.get(0), c.headers.get(0), 1).value().get();
    assertThat(slot.state()).as("the slot is another process's").isNotEqualTo(SlotState.STOPPED);
    assertThat(c.fenced).containsEntry(1, SelfFenceReason.DUPLICATE_NODE_ID);
  }

  /**
   * A stop that lands after the beat finding a second writer checked that it still runs, before its
   * verdict: the verdict's fence finds the engine closed, and close() must fence in its place.
   */
  @Test
  @Timeout(30)
  void aStopBetweenABeatsRunningCheckAndItsVerdictFencesAndWritesNoStoppedRecord()
      throws Exception {
    SimCluster c = new SimCluster(1, 4);
    HeartbeatEngine engine = c.start(1);
    c.beat(2);
    c.writeForeignRecord(1);
    Thread stop = new Thread(engine::close, "stop");
    engine.beforeVerdict(
        () -> {
          stop.start();
          // close() marks the engine closed, then waits for the heartbeat's lock.
          awaitState(stop, Thread.State.BLOCKED);
        });
    engine.tick();
    stop.join();

    HeartbeatSlot slot = DiskReader.readSlot(c.disks.get(0), c.headers.get(0), 1).value().get();
    assertThat(slot.state()).as("the slot is another process's").isNotEqualTo(SlotState.STOPPED);
    assertThat(c.fenced).containsEntry(1, SelfFenceReason.DUPLICATE_NODE_ID);
  }

  @Test
  @Timeout(30)
  void aBeatThatFindsASecondWriterDoesNotPetTheWatchdog() throws Exception {
    SimCluster c = new SimCluster(1, 4);
    List<Long> petted = new CopyOnWriteArrayList<>();
    c.start(
        1,
        new SelfFence() {
          @Override
          public void renewed(long atNanos) {
            petted.add(atNanos);
          }

          @Override
          public void fence(SelfFenceReason reason, String detail) {
            c.fenced.put(1, reason);
          }
        });
    c.beat(2);
    assertThat(petted).hasSize(2);
    c.writeForeignRecord(1);
    c.beat();
    assertThat(c.fenced).containsEntry(1, SelfFenceReason.DUPLICATE_NODE_ID);
    assertThat(petted).as("renewals counted").hasSize(2);
  }

  /** Closes {@code engine} while a heartbeat's I/O on {@code disk} is stalled, then lets it go. */
  private static void stopDuringABeat(HeartbeatEngine engine, FaultyBlockDevice disk)
      throws InterruptedException {
    CountDownLatch stall = disk.stallAll();
    Thread beat = new Thread(engine::tick, "beat");
    beat.start();
    awaitState(beat, Thread.State.TIMED_WAITING);
    Thread stop = new Thread(engine::close, "stop");
    stop.start();
    // close() marks the engine closed, then waits for the heartbeat's lock.
    awaitState(stop, Thread.State.BLOCKED);
    stall.countDown();
    beat.join();
    stop.join();
  }

  private static void awaitState(Thread t, Thread.State state) {
    while (t.getState() != state) {
      assertThat(t.isAlive()).as("%s still running, waiting for %s", t.getName(), state).isTrue();
      Thread.onSpinWait();
    }
  }
}
