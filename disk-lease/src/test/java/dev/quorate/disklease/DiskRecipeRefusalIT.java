package dev.quorate.disklease;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.ElectionTck;
import dev.quorate.lock.tck.SemaphoreTck;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;

/**
 * The disk lock manager offers no elections and no semaphores, and the TCKs check that it says so.
 * No generic construction gives them: an election needs the current holder read by every host, and
 * a semaphore N holders of one resource, while a Disk Paxos slot knows one owner (or shared holders
 * without identities) and the lock API has no call that reads a holder.
 */
@Timeout(120)
class DiskRecipeRefusalIT {
  private static List<Path> disks;

  @BeforeAll
  static void formatDisks() throws IOException {
    LeaseArea area = LeaseArea.create(2, 16, LeaseTiming.forIoTimeout(Duration.ofMillis(250)));
    disks = LeaseFiles.onTmpfs("disk-lease-recipes", 1, area);
  }

  private static LockManager host() throws Exception {
    return DiskLockManager.builder()
        .disks(disks)
        .hostId(1)
        .hostName("recipe-host")
        .selfFence(SelfFence.callback(reason -> {}))
        .build();
  }

  @Nested
  class Elections extends ElectionTck {
    @Override
    protected LockManager newManager() throws Exception {
      return host();
    }

    @Override
    protected boolean offered() {
      return false;
    }
  }

  @Nested
  class Semaphores extends SemaphoreTck {
    @Override
    protected LockManager newManager() throws Exception {
      return host();
    }

    @Override
    protected boolean offered() {
      return false;
    }
  }
}
