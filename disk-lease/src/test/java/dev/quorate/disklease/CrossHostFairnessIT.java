package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two hosts on three lease disks: host A acquires and releases one resource in a loop, host B asks
 * for it once. B must be granted within a few of A's cycles (counted, not timed): its request block
 * makes A's next acquisition wait behind it. Without the request blocks B, which reads the slot
 * once per renewal interval, almost always finds A holding it again and starves.
 */
@Timeout(120)
class CrossHostFairnessIT {
  /** A's cycles that may pass between B's request and its grant: one running, one racing it. */
  private static final int FAIR_CYCLES = 3;

  /** A stops after this many cycles if B is still waiting. */
  private static final int CAP = 400;

  private static LockManager host(List<Path> disks, int id) throws Exception {
    return DiskLockManager.builder()
        .disks(disks)
        .hostId(id)
        .hostName("fair-" + id)
        .selfFence(SelfFence.callback(reason -> {}))
        .build();
  }

  @Test
  void aWaiterOnAnotherHostIsGrantedWithinAFewCyclesOfAHostLoopingAcquireAndRelease()
      throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.forIoTimeout(Duration.ofMillis(250)));
    List<Path> disks = LeaseFiles.onTmpfs("fairness", 3, area);
    try (LockManager a = host(disks, 1);
        LockManager b = host(disks, 2)) {
      Lock lockA = a.lock("shared-table");
      AtomicInteger cycles = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Void> firstCycle = new CompletableFuture<>();
      CompletableFuture<Void> looping =
          CompletableFuture.runAsync(
              () -> {
                try {
                  while (!stop.get() && cycles.get() < CAP) {
                    Lease held = lockA.acquire(LockMode.EX);
                    cycles.incrementAndGet();
                    firstCycle.complete(null);
                    held.release();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      firstCycle.get(60, TimeUnit.SECONDS);
      int asked = cycles.get();
      CompletableFuture<Lease> waiter = b.lock("shared-table").acquireAsync(LockMode.EX);
      // Either B is granted, or A gave up after CAP cycles (B starved).
      CompletableFuture.anyOf(waiter, looping).get(60, TimeUnit.SECONDS);
      int passed = cycles.get() - asked;
      stop.set(true);
      assertThat(waiter).as("B granted before A's %d cycles ran out", CAP).isDone();
      assertThat(passed).as("A's cycles while B waited").isLessThanOrEqualTo(FAIR_CYCLES);
      waiter.get().release();
      looping.get(60, TimeUnit.SECONDS);
    }
  }
}
