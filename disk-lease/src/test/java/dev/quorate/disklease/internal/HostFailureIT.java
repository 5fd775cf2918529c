package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseFiles;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failure semantics with two hosts in one JVM on three real (tmpfs) files: a holder cut off
 * from its disks turns SUSPECT at its first failed renewal and LOST, self-fencing, before the other
 * host takes its lease.
 */
@Timeout(120)
class HostFailureIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void aHolderCutOffFromItsDisksIsLostAndFencedBeforeAnotherHostTakesItsLease() throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.forIoTimeout(Duration.ofMillis(250)));
    List<Path> paths = LeaseFiles.onTmpfs("host-failure", 3, area);
    List<CuttableDevice> disksOfA = new ArrayList<>();
    for (Path p : paths) {
      disksOfA.add(new CuttableDevice(BlockDevice.open(p)));
    }
    AtomicReference<SelfFenceReason> fenced = new AtomicReference<>();
    AtomicReference<LeaseState> holderAtFence = new AtomicReference<>();
    AtomicReference<Lease> leaseOfA = new AtomicReference<>();
    try (LockManager a =
            DiskLocks.openDevices(
                List.copyOf(disksOfA),
                1,
                "node-a",
                SelfFence.callback(
                    reason -> {
                      holderAtFence.set(leaseOfA.get().state());
                      fenced.set(reason);
                    }),
                MonotonicClock.system());
        LockManager b =
            DiskLocks.open(
                paths, 2, "node-b", SelfFence.callback(reason -> {}), MonotonicClock.system())) {
      Lease held = a.lock("vm/web-1").acquire(LockMode.EX);
      leaseOfA.set(held);
      List<LeaseEvent> events = new CopyOnWriteArrayList<>();
      held.addListener(events::add);
      AtomicReference<LeaseState> holderAtTakeover = new AtomicReference<>();
      CompletableFuture<Lease> takeover =
          b.lock("vm/web-1")
              .acquireAsync(LockMode.EX)
              .thenApply(
                  lease -> {
                    holderAtTakeover.set(held.state());
                    return lease;
                  });
      assertThat(takeover).isNotDone();

      disksOfA.forEach(CuttableDevice::cut);

      Awaitility.await().atMost(PATIENCE).until(() -> held.state() != LeaseState.GRANTED);
      assertThatThrownBy(held::checkValid)
          .isInstanceOf(LeaseLostException.class)
          .extracting(e -> ((LeaseLostException) e).code())
          .isIn(ErrorCode.LEASE_SUSPECT, ErrorCode.LEASE_LOST);
      Lease taken = takeover.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

      assertThat(holderAtTakeover.get())
          .as("the holder's state when the other host got its lease")
          .isEqualTo(LeaseState.LOST);
      assertThat(fenced.get()).isEqualTo(SelfFenceReason.RENEWAL_DEADLINE);
      assertThat(holderAtFence.get()).isEqualTo(LeaseState.LOST);
      Awaitility.await().atMost(PATIENCE).until(() -> events.size() >= 2);
      assertThat(events)
          .extracting(LeaseEvent::to)
          .containsExactly(LeaseState.SUSPECT, LeaseState.LOST);
      assertThat(taken.token()).isGreaterThan(held.token());
      taken.release();
    }
  }
}
