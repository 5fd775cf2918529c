package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DeltaLeaseTest {
  @TempDir Path dir;
  private final java.util.List<LeaseDisks> opened = new java.util.ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(LeaseDisks::close);
  }

  private DeltaLease host(AreaFiles files, MonotonicClock clock, int id, String name)
      throws Exception {
    LeaseDisks disks = files.open();
    opened.add(disks);
    return new DeltaLease(disks, files.area, clock, id, name);
  }

  @Test
  void aFreeHostIdIsAcquiredWithoutWaitingForExpiry() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    FakeClock clock = new FakeClock();
    long start = clock.nanoTime();
    DeltaLease a = host(files, clock, 3, "node-a");
    a.acquire();
    assertThat(a.generation()).isEqualTo(1);
    // write, wait 2 x io, read back: no host_expiry wait on a never used id
    assertThat(clock.elapsedSince(start)).isLessThan(files.area.timing().hostExpiry().toNanos());
    a.release();
    DeltaLease b = host(files, clock, 3, "node-b");
    long again = clock.nanoTime();
    b.acquire();
    assertThat(b.generation()).isEqualTo(2);
    assertThat(clock.elapsedSince(again)).isLessThan(files.area.timing().hostExpiry().toNanos());
  }

  @Test
  void aSecondHostWithTheSameIdIsRefusedNamingBoth() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    FakeClock clockA = new FakeClock();
    DeltaLease a = host(files, clockA, 2, "node-a");
    a.acquire();
    // node-b waits for node-a's record to expire on its own clock; node-a renews meanwhile.
    FakeClock clockB =
        new FakeClock(
            () -> {
              try {
                assertThat(a.renew()).isTrue();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    DeltaLease b = host(files, clockB, 2, "node-b");
    assertThatThrownBy(b::acquire)
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("host id 2 is used by two hosts")
        .hasMessageContaining("'node-a'")
        .hasMessageContaining("'node-b'")
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.REFUSED);
    assertThat(a.renew()).isTrue();
  }

  @Test
  void aCrashedHostsIdIsTakenAfterExpiryAndItsNextRenewalIsRefused() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    DeltaLease a = host(files, new FakeClock(), 5, "node-a");
    a.acquire();
    FakeClock clockB = new FakeClock();
    long start = clockB.nanoTime();
    DeltaLease b = host(files, clockB, 5, "node-b");
    b.acquire(); // node-a is silent (paused): its record expires on node-b's clock
    assertThat(clockB.elapsedSince(start))
        .isGreaterThanOrEqualTo(files.area.timing().hostExpiry().toNanos());
    assertThat(b.generation()).isEqualTo(2);
    assertThatThrownBy(a::renew)
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("'node-b'")
        .hasMessageContaining("'node-a'")
        .hasMessageContaining("overwrote");
  }

  @Test
  void twoHostsRacingForOneFreeIdNeverBothHoldIt() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    for (int round = 0; round < 5; round++) {
      int id = round + 1;
      DeltaLease a = host(files, MonotonicClock.system(), id, "node-a");
      DeltaLease b = host(files, MonotonicClock.system(), id, "node-b");
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<Boolean> holdsA = race(a, go);
      CompletableFuture<Boolean> holdsB = race(b, go);
      go.countDown();
      boolean bothAcquired = holdsA.get(20, TimeUnit.SECONDS) && holdsB.get(20, TimeUnit.SECONDS);
      // Holding means acquiring and then renewing: a host that lost the race unseen finds the
      // winner's record at its next renewal.
      assertThat(bothAcquired && renews(a) && renews(b))
          .as("round %d: both hosts hold host id %d", round, id)
          .isFalse();
    }
  }

  private static boolean renews(DeltaLease lease) throws InterruptedException {
    try {
      return lease.renew();
    } catch (QuorateException e) {
      return false;
    }
  }

  private static CompletableFuture<Boolean> race(DeltaLease lease, CountDownLatch go) {
    CompletableFuture<Boolean> acquired = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                go.await();
                lease.acquire();
                acquired.complete(true);
              } catch (QuorateException e) {
                acquired.complete(false);
              } catch (InterruptedException e) {
                acquired.completeExceptionally(e);
              }
            });
    t.start();
    return acquired;
  }

  @Test
  void anObserverJudgesLivenessBySequenceChangesOnItsOwnClock() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    DeltaLease a = host(files, new FakeClock(), 4, "node-a");
    a.acquire();
    LeaseDisks observerDisks = files.open();
    opened.add(observerDisks);
    FakeClock observer = new FakeClock();
    HostWatch watch = new HostWatch(observerDisks, files.area, observer);
    LeaseValue.Holder holder = new LeaseValue.Holder(4, a.generation());
    java.time.Duration expiry = files.area.timing().hostExpiry();
    assertThat(watch.isDead(holder)).isFalse();
    observer.advance(expiry.minusMillis(1));
    assertThat(watch.isDead(holder)).isFalse();
    assertThat(a.renew()).isTrue();
    observer.advance(java.time.Duration.ofMillis(2));
    assertThat(watch.isDead(holder)).as("a renewal restarts the observer's count").isFalse();
    observer.advance(expiry.minusMillis(1));
    assertThat(watch.isDead(holder)).isFalse();
    observer.advance(java.time.Duration.ofMillis(1));
    assertThat(watch.isDead(holder)).isTrue();
    assertThat(watch.isDead(new LeaseValue.Holder(4, a.generation() - 1)))
        .as("an older generation of the id is gone")
        .isTrue();
  }

  @Test
  void aTornRenewalOnTheOnlyDiskIsRepairedByTheNextRenewal() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    List<CuttableDevice> devices = new ArrayList<>();
    DeltaLease a = tearing(files, devices, 6);
    a.acquire();
    devices.get(0).tearAfter(0);
    assertThat(a.renew()).as("the torn renewal").isFalse();
    assertThat(a.renew()).as("the next renewal rewrites the torn block").isTrue();
    assertThat(a.renew()).isTrue();
  }

  @Test
  void aHostIdWhoseLastWriteToreIsTakenOnlyAfterExpiry() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    List<CuttableDevice> devices = new ArrayList<>();
    DeltaLease a = tearing(files, devices, 7);
    a.acquire();
    devices.get(0).tearAfter(0);
    assertThat(a.renew()).isFalse(); // and node-a dies with its block torn
    FakeClock clockB = new FakeClock();
    long start = clockB.nanoTime();
    DeltaLease b = host(files, clockB, 7, "node-b");
    b.acquire();
    assertThat(clockB.elapsedSince(start))
        .as("a torn record is a held record: it is watched for host_expiry first")
        .isGreaterThanOrEqualTo(files.area.timing().hostExpiry().toNanos());
    assertThat(b.generation()).isEqualTo(a.generation() + 1);
    assertThat(b.renew()).isTrue();
    assertThatThrownBy(a::renew).hasMessageContaining("'node-b'");
  }

  /**
   * Host 'node-a' with {@code id} on disks whose writes can tear, which land in {@code devices}.
   */
  private DeltaLease tearing(AreaFiles files, List<CuttableDevice> devices, int id)
      throws Exception {
    LeaseDisks disks = files.openCuttable(devices);
    opened.add(disks);
    return new DeltaLease(disks, files.area, new FakeClock(), id, "node-a");
  }
}
