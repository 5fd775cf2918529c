package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseFiles;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host whose request block cannot be withdrawn when its wait is answered (the writes to that
 * block fail on every disk, nothing lands) owes the withdrawal and writes it again once per renewal
 * interval: once the disks take writes again, its stale request stops holding other hosts back.
 * Without the retry the stale request outlives the grant and the release, and another host waits
 * behind it for as long as the first host's delta lease lives.
 */
@Timeout(120)
class RequestWithdrawalIT {
  private static final String RESOURCE = "vm/web-1";
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int A = 1;
  private static final int B = 2;

  private final List<LeaseDisks> opened = new ArrayList<>();

  @AfterEach
  void closeReaders() {
    opened.forEach(LeaseDisks::close);
  }

  @Test
  void aWithdrawalThatNoDiskTookIsWrittenAgainSoTheStaleRequestHoldsNoOtherHostBack()
      throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.forIoTimeout(Duration.ofMillis(250)));
    List<Path> paths = LeaseFiles.onTmpfs("request-withdrawal", 3, area);
    List<CuttableDevice> disksOfB = new ArrayList<>();
    for (Path p : paths) {
      disksOfB.add(new CuttableDevice(BlockDevice.open(p)));
    }
    int slot = SlotNames.slotOf(RESOURCE, area.resourceSlots());
    long requestOfB = SlotRequests.block(area, slot, B) * LeaseArea.BLOCK_SIZE;
    PaxosLease onlooker = onlooker(paths, area);
    try (LockManager a = DiskLocks.open(paths, A, "node-a", noFence(), MonotonicClock.system());
        LockManager b =
            DiskLocks.openDevices(
                List.copyOf(disksOfB), B, "node-b", noFence(), MonotonicClock.system())) {
      Lease heldByA = a.lock(RESOURCE).acquire(LockMode.EX);
      CompletableFuture<Lease> waiterB = b.lock(RESOURCE).acquireAsync(LockMode.EX);
      Awaitility.await().atMost(PATIENCE).until(() -> pendingOf(onlooker, slot).isPresent());

      disksOfB.forEach(d -> d.refuseWritesAt(requestOfB));
      heldByA.release();
      Lease heldByB = waiterB.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      heldByB.release();
      assertThat(pendingOf(onlooker, slot))
          .as("B's request after its grant and release, no disk taking the withdrawal")
          .isPresent();

      disksOfB.forEach(CuttableDevice::heal);
      Optional<Lease> again = a.lock(RESOURCE).tryAcquire(LockMode.EX, PATIENCE);
      assertThat(again)
          .as("A's acquire after B released, once B's disks took writes again")
          .isPresent();
      assertThat(pendingOf(onlooker, slot)).as("B's request").isEmpty();
      again.get().release();
    }
  }

  private PaxosLease onlooker(List<Path> paths, LeaseArea area) throws Exception {
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : paths) {
      devices.add(BlockDevice.open(p));
    }
    LeaseDisks disks = new LeaseDisks(devices, area.timing().ioTimeout());
    opened.add(disks);
    return new PaxosLease(disks, area, 3);
  }

  /** B's request for the slot as the disks show it, if it still waits. */
  private static Optional<SlotRequest> pendingOf(PaxosLease onlooker, int slot)
      throws InterruptedException {
    return onlooker.requests(slot).stream().filter(r -> r.hostId() == B && r.pending()).findFirst();
  }

  private static SelfFence noFence() {
    return SelfFence.callback(reason -> {});
  }
}
