package dev.quorate.fence.internal;

import dev.quorate.fence.FenceCoordinator;
import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link FenceCoordinator} of one process: a fair semaphore per target, one host-level slot,
 * and the process's own history.
 */
public final class LocalFenceCoordinator implements FenceCoordinator {
  private final FenceHistory history;
  private final Map<String, Semaphore> targets = new ConcurrentHashMap<>();
  private final AtomicReference<String> hostFence = new AtomicReference<>();

  /**
   * Creates the coordinator; use {@link FenceCoordinator#local}.
   *
   * @param history the history
   */
  public LocalFenceCoordinator(FenceHistory history) {
    this.history = history;
  }

  @Override
  public FenceHistory history() {
    return history;
  }

  @Override
  public Claim claimTarget(String target, Duration timeout) throws InterruptedException {
    Semaphore semaphore = targets.computeIfAbsent(target, t -> new Semaphore(1, true));
    int before = history.records().size();
    if (!semaphore.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return new LocalClaim(
          false, "a fence of " + target + " has been running for over " + timeout, List.of(), null);
    }
    List<FenceRecord> all = history.records();
    List<FenceRecord> since =
        all.subList(Math.min(before, all.size()), all.size()).stream()
            .filter(r -> r.target().equals(target))
            .toList();
    return new LocalClaim(true, "fencing " + target, since, semaphore::release);
  }

  @Override
  public Claim claimHosts(String target, Set<String> hosts) {
    if (!hostFence.compareAndSet(null, target + " on " + hosts)) {
      return new LocalClaim(
          false,
          "a host-level fence (" + hostFence.get() + ") is in flight; one at a time",
          List.of(),
          null);
    }
    return new LocalClaim(
        true,
        "host-level fence of " + target + " on " + hosts,
        List.of(),
        () -> hostFence.set(null));
  }

  private record LocalClaim(
      boolean granted,
      String explanation,
      List<FenceRecord> recordedWhileWaiting,
      Runnable release,
      AtomicBoolean closed)
      implements Claim {
    LocalClaim(boolean granted, String explanation, List<FenceRecord> since, Runnable release) {
      this(granted, explanation, List.copyOf(since), release, new AtomicBoolean());
    }

    @Override
    public void close() {
      if (granted && closed.compareAndSet(false, true)) {
        release.run();
      }
    }
  }
}
