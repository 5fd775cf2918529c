package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.internal.FaultyBlockDevice.IoError;
import dev.quorate.quorum.MemberId;
import java.util.Optional;
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
    CountDownLatch stall = disk.stallAll();

    Thread beat = new Thread(master::tick, "beat");
    beat.start();
    awaitState(beat, Thread.State.TIMED_WAITING);
    Thread stop = new Thread(master::close, "stop");
    stop.start();
    // close() marks the engine closed, then waits for the heartbeat's lock.
    awaitState(stop, Thread.State.BLOCKED);
    stall.countDown();
    beat.join();
    stop.join();

    assertThat(c.events)
        .filteredOn(e -> e.kind() == QuorumDiskEvent.Kind.TENURE_ENDED)
        .extracting(QuorumDiskEvent::detail)
        .containsExactly("stopped cleanly");
  }

  private static void awaitState(Thread t, Thread.State state) {
    while (t.getState() != state) {
      assertThat(t.isAlive()).as("%s still running, waiting for %s", t.getName(), state).isTrue();
      Thread.onSpinWait();
    }
  }
}
