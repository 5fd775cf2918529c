package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk lock manager: this host's delta lease ({@link HostLease}), its claims on resource slots
 * ({@link SlotClaims}) and an in-process manager that orders the host's own requests.
 */
public final class DiskLocks implements LockManager {
  private static final Logger LOG = LoggerFactory.getLogger(DiskLocks.class);

  /** The modes this manager offers: those whose compatibility shared and exclusive slots keep. */
  public static final Set<LockMode> MODES =
      EnumSet.of(LockMode.NL, LockMode.CR, LockMode.PR, LockMode.EX);

  private final LeaseArea area;
  private final LeaseDisks disks;
  private final MonotonicClock clock;
  private final HostLease host;
  private final SlotClaims claims;
  private final LockManager local = LockManager.inProcess();
  private final ScheduledExecutorService worker;
  private final ScheduledExecutorService renewer;
  private final ExecutorService events;
  private final GrantedLeases leases = new GrantedLeases();
  private final RequestWatch requests;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String detail;

  private DiskLocks(AreaJoin joined, MonotonicClock clock, String hostName, SelfFence selfFence) {
    this.area = joined.area();
    this.disks = joined.disks();
    this.clock = clock;
    DeltaLease delta = joined.delta();
    this.worker =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("quorate-disk-lease-paxos"));
    this.renewer =
        Executors.newScheduledThreadPool(2, DaemonThreads.named("quorate-disk-lease-renewal"));
    this.events =
        Executors.newSingleThreadExecutor(DaemonThreads.named("quorate-disk-lease-events"));
    int hostId = delta.hostId();
    this.host =
        new HostLease(
            delta, area.timing(), clock, renewer, selfFence, this::holdsLeases, this::hostChanged);
    PaxosLease paxos = new PaxosLease(disks, area, hostId);
    HostWatch watch = new HostWatch(disks, area, clock);
    this.claims =
        new SlotClaims(
            paxos,
            watch,
            new Holder(hostId, delta.generation()),
            worker,
            area.timing().renewalInterval());
    this.requests = new RequestWatch(paxos, watch, claims, hostId, this::waiting);
    this.detail =
        "storage leases on "
            + joined.names().size()
            + " disk(s) "
            + joined.names()
            + ", host id "
            + hostId
            + " ('"
            + hostName
            + "')";
  }

  /**
   * Opens the disks, checks they hold one lease area, and acquires the host id; blocks for up to
   * host_expiry when the id's record was left by a crashed holder.
   *
   * @throws ConfigurationException if the disks are not 1, 3 or 5, hold different areas, or the
   *     host id is out of range
   * @throws QuorateException with REFUSED if another live host holds the host id
   */
  public static LockManager open(
      List<Path> paths, int hostId, String hostName, SelfFence selfFence, MonotonicClock clock)
      throws InterruptedException {
    return openDevices(AreaJoin.openAll(paths), hostId, hostName, selfFence, clock);
  }

  /**
   * Opens a manager on open devices, which it closes; {@link #open(List, int, String, SelfFence,
   * MonotonicClock)} for devices that tests and the fault suite wrap to inject faults.
   */
  public static LockManager openDevices(
      List<BlockDevice> devices,
      int hostId,
      String hostName,
      SelfFence selfFence,
      MonotonicClock clock)
      throws InterruptedException {
    AreaJoin joined = AreaJoin.join(devices, hostId, hostName, selfFence, clock);
    DiskLocks manager = new DiskLocks(joined, clock, hostName, selfFence);
    manager.host.start();
    Duration every = joined.area().timing().renewalInterval();
    manager.worker.scheduleWithFixedDelay(
        manager::renewalTick, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
    return manager;
  }

  /** Once per renewal interval, on the worker: owed withdrawals, then the held slots' requests. */
  private void renewalTick() {
    try {
      claims.retryWithdrawals();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      // Runs as a periodic task: a throw would end the retries and the polling for good.
      LOG.warn("retrying the owed withdrawals failed", e);
    }
    requests.poll();
  }

  @Override
  public Lock lock(String resource) {
    return lock(resource, LockOptions.defaults());
  }

  @Override
  public Lock lock(String resource, LockOptions options) {
    requireOpen();
    local.lock(resource, options); // checks the name
    return new DiskLock(this, resource, options, slotOf(resource));
  }

  @Override
  public Mechanism mechanism() {
    return new Mechanism(Mechanism.Kind.STORAGE_LEASE, (disks.count() - 1) / 2, detail);
  }

  int slotOf(String resource) {
    return SlotNames.slotOf(resource, area.resourceSlots());
  }

  /**
   * Claims the slot for a mode; null for NL, which conflicts with nothing. A new request ({@code
   * queued}, not a conversion) that waits behind another host's earlier request calls the blocking
   * callbacks of this host's leases that hold the slot, as a local waiter would.
   */
  SlotClaims.Claim claim(int slot, LockMode mode, boolean queued) {
    requireOpen();
    if (host.state() == LeaseState.LOST) {
      throw new LeaseLostException(
          ErrorCode.LEASE_LOST,
          "this host lost its delta lease (or did not renew it within renewal_deadline "
              + area.timing().renewalDeadline().toMillis()
              + " ms on its own clock); no lease can be granted");
    }
    SlotClaims.Claim claim =
        switch (mode) {
          case NL -> null;
          case EX -> claims.claim(slot, SlotMode.EXCLUSIVE, queued);
          default -> claims.claim(slot, SlotMode.SHARED, queued);
        };
    if (claim != null && claim.deferred()) {
      leases.blocking(slot, claim, mode);
    }
    return claim;
  }

  Lock localLock(String resource, LockOptions options, long deadline) {
    LockOptions.Builder b = LockOptions.builder();
    if (deadline != Long.MAX_VALUE) {
      b.acquireTimeout(Duration.ofNanos(Math.max(0, deadline - clock.nanoTime())));
    }
    options
        .blockingCallback()
        .ifPresent(cb -> b.onBlocking((held, wanted) -> cb.onBlocking(leases.shown(held), wanted)));
    return local.lock(resource, b.build());
  }

  DiskLease granted(
      Lease localLease, int slot, SlotClaims.Claim claim, Long lver, LockOptions options) {
    DiskLease lease =
        new DiskLease(localLease, this, slot, claim, lver == null ? 0 : lver, events, options);
    leases.add(lease);
    lease.followLocal();
    if (host.state() != LeaseState.GRANTED) {
      lease.hostChanged(host.state(), "this host's delta lease is " + host.state());
    }
    return lease;
  }

  /** The requests another host's waiters wrote for a slot this host holds, as just read. */
  private void waiting(int slot, List<SlotRequest> conflicting) {
    claims.waiting(slot, conflicting);
    leases.blocked(slot, conflicting);
  }

  void ended(DiskLease lease) {
    leases.remove(lease);
  }

  long deadline(Duration timeout) {
    return clock.nanoTime() + timeout.toNanos();
  }

  void schedule(Runnable task, Duration delay) {
    worker.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private boolean holdsLeases() {
    return !leases.isEmpty() || claims.holdsAny();
  }

  private void hostChanged(LeaseState state, String why) {
    if (state == LeaseState.LOST) {
      claims.fail(new LeaseLostException(ErrorCode.LEASE_LOST, "host lease lost: " + why));
    }
    leases.hostChanged(state, why);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    claims.fail(new QuorateException(ErrorCode.CLOSED, "the disk lock manager is closed"));
    // Closing the local manager first fails its waiters; releasing a lease first would grant them.
    local.close();
    leases.hostChanged(LeaseState.LOST, "the disk lock manager is closed");
    try {
      if (host.state() != LeaseState.LOST) {
        worker
            .submit(
                () -> {
                  claims.releaseAll();
                  return null;
                })
            .get();
        host.stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("releasing the leases on close failed", e.getCause());
    } finally {
      shutdownThreads();
    }
  }

  private void shutdownThreads() {
    worker.shutdownNow();
    renewer.shutdownNow();
    events.shutdown();
    disks.close();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new QuorateException(ErrorCode.CLOSED, "the disk lock manager is closed");
    }
  }
}
