package dev.quorate.reliability;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code disk-client}: one host of a disk-lease run (started by the harness). With {@code
 * --duplicate-probe} it only tries to take its host id, which a live host holds: exit 0 when
 * refused (the message names both hosts), 3 when it was wrongly granted.
 */
@Command(name = "disk-client", hidden = true, description = "A disk-lease host of a run.")
final class DiskLeaseClientCommand implements Callable<Integer> {
  static final int DUPLICATE_ACCEPTED = 3;

  @Option(names = "--id", required = true)
  String id;

  @Option(names = "--dir", required = true)
  Path dir;

  @Option(names = "--disk", required = true)
  List<Path> disks;

  @Option(names = "--host-id", required = true)
  int hostId;

  @Option(names = "--resource", description = "host:port of the resource")
  String resource;

  @Option(names = "--writes", defaultValue = "3")
  int writes;

  @Option(names = "--report-bound", converter = DurationConverter.class, defaultValue = "10s")
  Duration reportBound;

  @Option(names = "--duplicate-probe")
  boolean duplicateProbe;

  @Override
  public Integer call() throws Exception {
    if (duplicateProbe) {
      return probe();
    }
    new DiskLeaseClient(id, dir, writes, reportBound)
        .run(disks, hostId, ResourceAddress.parse(resource));
    return 0;
  }

  private int probe() throws Exception {
    try (LockManager m =
        DiskLeaseClient.openWithRetry(
            disks,
            dir,
            hostId,
            id,
            SelfFence.exit(),
            e -> System.out.println("open failed, trying again: " + e.getMessage()))) {
      System.out.println("ACCEPTED: host id " + hostId + " granted to " + id + " (" + m + ")");
      return DUPLICATE_ACCEPTED;
    } catch (QuorateException e) {
      if (e.code() != ErrorCode.REFUSED) {
        throw e;
      }
      System.out.println("REFUSED: " + e.getMessage());
      return 0;
    }
  }
}
