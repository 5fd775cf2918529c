package dev.quorate.reliability;

import dev.quorate.disklease.DiskLockManager;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A disk-lease client process: one host of the lease area, through {@link FaultyDisk}s. Like {@link
 * LockClient} it acquires EX on one lock again and again and increments the fenced counter under
 * it; besides, it records every state change of its leases, and when the resource refuses a write
 * as stale it waits (bounded) for its lease to report SUSPECT or LOST: a lease lost without a
 * report is a violation. It runs without a self-fence that stops the process (the resource checks
 * tokens), so a paused holder wakes up and tries to write, which is what the guard is for.
 */
final class DiskLeaseClient {
  private static final Duration ACQUIRE_BOUND = Duration.ofSeconds(30);
  private static final Duration OPEN_BOUND = Duration.ofSeconds(60);
  private static final Duration OPEN_BACKOFF = Duration.ofMillis(500);

  private final String id;
  private final Path dir;
  private final int writes;
  private final Duration reportBound;

  /**
   * @param reportBound how long a refused holder waits for its lease to report the loss
   */
  DiskLeaseClient(String id, Path dir, int writes, Duration reportBound) {
    this.id = id;
    this.dir = dir;
    this.writes = writes;
    this.reportBound = reportBound;
  }

  /** Opens the lease disks through the fault layer. */
  static List<BlockDevice> open(List<Path> disks, Path dir) throws IOException {
    List<BlockDevice> devices = new ArrayList<>();
    for (int i = 0; i < disks.size(); i++) {
      devices.add(new FaultyDisk(BlockDevice.open(disks.get(i)), i, dir));
    }
    return devices;
  }

  void run(List<Path> disks, int hostId, ResourceAddress resourceAddress) throws Exception {
    Path file = dir.resolve(id + ".history");
    long first = HistoryWriter.lastSeq(file) + 1;
    try (HistoryWriter history = new HistoryWriter(file);
        ResourceLink resource = new ResourceLink(resourceAddress)) {
      history.event("start");
      long seq = first;
      while (!Files.exists(dir.resolve("stop"))) {
        // A host whose delta lease was lost (it self-fenced) rejoins with a new manager, as a
        // fenced host does after its reset: its old manager grants nothing any more.
        try (LockManager manager = openManager(disks, hostId, history)) {
          Lock lock = manager.lock(LockClient.LOCK);
          boolean hostAlive = true;
          for (; hostAlive && !Files.exists(dir.resolve("stop")); seq++) {
            hostAlive = cycle(lock, seq, history, resource);
          }
        }
        if (!Files.exists(dir.resolve("stop"))) {
          history.event("rejoin");
        }
      }
      history.event("end");
    }
  }

  private LockManager openManager(List<Path> disks, int hostId, HistoryWriter history)
      throws Exception {
    return openWithRetry(
        disks,
        dir,
        hostId,
        id,
        SelfFence.callback(reason -> selfFence(history, reason)),
        failure -> history.event("open-failed", failure.code()));
  }

  /** Told of each failed attempt to open the manager. */
  interface OpenFailure {
    void failed(QuorateException e) throws IOException;
  }

  /**
   * Opens a manager; a host that starts while the disks do not answer in time (a disk fault, or a
   * loaded machine's first I/O in a new JVM) is told, and tries again, as a host's service manager
   * would, within {@link #OPEN_BOUND}. Any other refusal (a duplicate host id) is thrown at once.
   */
  static LockManager openWithRetry(
      List<Path> disks,
      Path dir,
      int hostId,
      String name,
      SelfFence selfFence,
      OpenFailure onFailure)
      throws Exception {
    long deadline = System.nanoTime() + OPEN_BOUND.toNanos();
    while (true) {
      try {
        return DiskLockManager.builder()
            .devices(open(disks, dir))
            .hostId(hostId)
            .hostName(name)
            .selfFence(selfFence)
            .build();
      } catch (QuorateException e) {
        if (e.code() != ErrorCode.IO_FAILURE || System.nanoTime() > deadline) {
          throw e;
        }
        onFailure.failed(e);
        Thread.sleep(OPEN_BACKOFF.toMillis()); // back-off before the host tries its disks again
      }
    }
  }

  private static void selfFence(HistoryWriter history, Object reason) {
    try {
      history.event("self-fence", reason);
    } catch (IOException e) {
      System.err.println("cannot record self-fence " + reason + ": " + e);
    }
  }

  /** One acquire-write-release; false when the host lost its delta lease and must rejoin. */
  private boolean cycle(Lock lock, long seq, HistoryWriter history, ResourceLink resource)
      throws Exception {
    resource.awaitConnected();
    history.event("invoke", seq, System.currentTimeMillis());
    Optional<Lease> granted;
    try {
      granted = lock.tryAcquire(LockMode.EX, ACQUIRE_BOUND);
    } catch (LeaseLostException e) {
      history.event("fail", seq, e.getClass().getSimpleName());
      return false;
    } catch (QuorateException e) {
      history.event("fail", seq, e.getClass().getSimpleName());
      return true;
    }
    if (granted.isEmpty()) {
      history.event("fail", seq, "timeout");
      return true;
    }
    try (Lease lease = granted.get()) {
      FencingToken token = lease.token();
      history.event("grant", seq, token);
      CompletableFuture<LeaseState> reported = new CompletableFuture<>();
      lease.addListener(
          e -> {
            try {
              history.event("state", seq, token, e.to());
            } catch (IOException io) {
              System.err.println("cannot record " + e + ": " + io);
            }
            if (e.to() != LeaseState.GRANTED) {
              reported.complete(e.to());
            }
          });
      try {
        lease.checkValid();
        if (resource.writeAll(history, id, seq, token, writes)) {
          awaitReport(lease, reported, seq, token, history);
        }
      } catch (LeaseLostException e) {
        history.event("lost", seq, token, e.code());
      }
    } catch (QuorateException e) {
      history.event("fail", seq, e.getClass().getSimpleName());
    }
    history.event("release", seq);
    return true;
  }

  /** A refused holder's lease must say it is no longer safe: SUSPECT or LOST, within the bound. */
  private void awaitReport(
      Lease lease,
      CompletableFuture<LeaseState> reported,
      long seq,
      FencingToken token,
      HistoryWriter history)
      throws IOException, InterruptedException {
    LeaseState now = lease.state();
    if (now != LeaseState.GRANTED) {
      history.event("reported", seq, token, now);
      return;
    }
    try {
      LeaseState state = reported.get(reportBound.toMillis(), TimeUnit.MILLISECONDS);
      history.event("reported", seq, token, state);
    } catch (TimeoutException e) {
      history.event("unreported", seq, token, reportBound.toMillis() + "ms");
    } catch (ExecutionException e) {
      throw new IllegalStateException("the report future failed", e);
    }
  }
}
