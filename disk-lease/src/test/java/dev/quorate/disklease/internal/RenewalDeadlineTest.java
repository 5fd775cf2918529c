package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found by {@code bin/chaos disk-lease}, control run): a host continued after a pause
 * past its renewal deadline granted new leases on its old disk grant in the milliseconds before its
 * renewer ran and declared the host lease LOST. A host must grant nothing once renewal_deadline has
 * passed on its own clock, whether or not the renewer has run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RenewalDeadlineTest {
  // Renewals every 6 s of real time: none runs between the clock's jump and the request.
  private static final LeaseTiming SLOW = LeaseTiming.forIoTimeout(Duration.ofSeconds(3));

  @TempDir Path dir;

  @Test
  void noLeaseIsGrantedOnceTheRenewalDeadlineHasPassedOnTheHostsClock() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, SLOW);
    FakeClock clock = new FakeClock();
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : files.paths) {
      devices.add(BlockDevice.open(p));
    }
    try (LockManager host =
        DiskLocks.openDevices(devices, 1, "node-a", SelfFence.callback(reason -> {}), clock)) {
      host.lock("vm/web-1").acquire(LockMode.EX).release();
      // The host wakes up from a pause longer than its renewal deadline.
      clock.advance(SLOW.renewalDeadline().plusSeconds(1));
      assertThatThrownBy(() -> host.lock("vm/web-1").acquire(LockMode.EX))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("renewal_deadline");
    }
  }

  /**
   * Regression (bin/chaos disk-lease, control run, after the fix above): the renewer ran first
   * after the pause, its renewal succeeded (nobody writes a dead host's delta lease) and made the
   * host lease GRANTED again, although others had taken its leases meanwhile.
   */
  @Test
  void aRenewalPastTheDeadlineLosesTheHostLeaseInsteadOfRenewingIt() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, SLOW);
    FakeClock clock = new FakeClock();
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : files.paths) {
      devices.add(BlockDevice.open(p));
    }
    AtomicReference<SelfFenceReason> fenced = new AtomicReference<>();
    try (LockManager host =
        DiskLocks.openDevices(devices, 1, "node-a", SelfFence.callback(fenced::set), clock)) {
      Lease held = host.lock("vm/web-1").acquire(LockMode.EX);
      clock.advance(SLOW.renewalDeadline().plusSeconds(1));
      // The next renewal runs within one renewal interval (6 s) of real time.
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fenced.get() != null);
      assertThat(held.state()).isEqualTo(LeaseState.LOST);
      assertThatThrownBy(() -> host.lock("vm/web-2").acquire(LockMode.EX))
          .isInstanceOf(LeaseLostException.class);
    }
  }
}
