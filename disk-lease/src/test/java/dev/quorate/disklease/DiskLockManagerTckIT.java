package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.tck.LockManagerTck;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TCK on three file-backed lease disks. Every manager is a host of its own (its own host id and
 * delta lease), and the TCK's peer is another host on the same disks. Between hosts the disk
 * manager gives blocking callbacks and arrival order: a waiter writes a request block for the slot,
 * which holders read at each renewal and acquirers wait behind (see docs/storage-leases.md,
 * "Requests"). It does not give value blocks (they live in each host's in-process manager) nor
 * conversion deadlock detection (no host sees another's conversions): those tests run with one host
 * in both roles ("Limits").
 */
@Timeout(120)
class DiskLockManagerTckIT extends LockManagerTck {
  private static final int HOSTS = 8;
  private static final AtomicInteger NEXT_HOST = new AtomicInteger();
  private static List<Path> disks;

  @BeforeAll
  static void formatDisks() throws IOException {
    LeaseArea area = LeaseArea.create(HOSTS, 256, LeaseTiming.forIoTimeout(Duration.ofMillis(250)));
    disks = LeaseFiles.onTmpfs("disk-lease-tck", 3, area);
  }

  @Override
  protected LockManager newManager() throws Exception {
    // Managers are closed after each test, releasing their ids; a test opens at most three.
    int id = NEXT_HOST.getAndIncrement() % HOSTS + 1;
    return DiskLockManager.builder()
        .disks(disks)
        .hostId(id)
        .hostName("tck-host-" + id)
        .selfFence(SelfFence.callback(reason -> {}))
        .build();
  }

  @Override
  protected LockManager newPeer(LockManager first) throws Exception {
    return newManager(); // another host id on the same disks
  }

  @Override
  protected Set<CrossMember> crossMemberGuarantees() {
    return EnumSet.of(CrossMember.BLOCKING_CALLBACKS, CrossMember.ARRIVAL_ORDER);
  }

  @Override
  protected Set<LockMode> supportedModes() {
    return DiskLockManager.MODES;
  }

  /** Disk slots name no resource: the disk manager refuses inspect and revoke. */
  @Override
  protected boolean inspectsAndRevokes() {
    return false;
  }

  @Override
  protected int chainLength() {
    return 200;
  }

  @Test
  void reportsStorageLeasesThatSurviveOneDiskOfThree() throws Exception {
    Mechanism mechanism = manager().mechanism();
    assertThat(mechanism.kind()).isEqualTo(Mechanism.Kind.STORAGE_LEASE);
    assertThat(mechanism.toleratedFailures()).isEqualTo(1);
    assertThat(mechanism.detail()).contains("3 disk(s)");
  }
}
