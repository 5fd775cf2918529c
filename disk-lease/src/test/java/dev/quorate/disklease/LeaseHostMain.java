package dev.quorate.disklease;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One host of {@link MultiHostIT} as a process of its own: {@code <host id> <disk>[,<disk>...]}.
 * Takes the exclusive lease of {@code vm/guest}, prints {@code GRANTED <token>}, and holds it until
 * killed; prints {@code LOST} and exits 3 if it loses it.
 */
public final class LeaseHostMain {
  private LeaseHostMain() {}

  /**
   * Runs the host.
   *
   * @param args host id and comma-separated disk paths
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    int hostId = Integer.parseInt(args[0]);
    List<Path> disks = new ArrayList<>();
    for (String p : args[1].split(",")) {
      disks.add(Path.of(p));
    }
    LockManager manager =
        DiskLockManager.builder()
            .disks(disks)
            .hostId(hostId)
            .hostName("host-" + hostId)
            .selfFence(SelfFence.exit())
            .build();
    System.out.println("READY " + hostId);
    Lease lease = manager.lock("vm/guest").acquire(LockMode.EX);
    CountDownLatch lost = new CountDownLatch(1);
    lease.addListener(
        e -> {
          if (e.to() == LeaseState.LOST) {
            lost.countDown();
          }
        });
    System.out.println("GRANTED " + hostId + " " + lease.token());
    lost.await();
    System.out.println("LOST " + hostId);
    System.exit(3);
  }
}
