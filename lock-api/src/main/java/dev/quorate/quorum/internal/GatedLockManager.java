package dev.quorate.quorum.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.internal.DaemonThreads;
import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumListener;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.QuorumState;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** The lock manager behind {@link dev.quorate.quorum.QuorumGate}. */
public final class GatedLockManager implements LockManager {
  private final LockManager inner;
  private final QuorumService quorum;
  private final Executor events = DaemonThreads.idleEnding("quorate-gate-events");
  private final Map<Lease, GatedLease> leases = new ConcurrentHashMap<>();
  private final QuorumListener revoker = this::onQuorumChange;

  /**
   * Wraps {@code inner}.
   *
   * @param inner the manager that grants
   * @param quorum the service that says whether it may
   */
  public GatedLockManager(LockManager inner, QuorumService quorum) {
    this.inner = Objects.requireNonNull(inner, "manager");
    this.quorum = Objects.requireNonNull(quorum, "quorum");
    quorum.addListener(revoker);
  }

  private void onQuorumChange(QuorumEvent event) {
    if (event.revokeHeldLeases()) {
      String cause = "quorum lost: " + event.current().explanation();
      for (GatedLease lease : leases.values()) {
        lease.revoke(cause);
      }
    }
  }

  void checkQuorum(String resource, LockMode mode) {
    if (!quorum.grantsAllowed()) {
      QuorumState state = quorum.state();
      throw new QuorateException(
          ErrorCode.NO_QUORUM,
          "refusing "
              + mode
              + " on '"
              + resource
              + "': this member's partition is not quorate ("
              + state.reason()
              + ": "
              + state.explanation()
              + ")");
    }
  }

  /** The gate's view of {@code lease}, made once per inner lease. */
  GatedLease wrap(Lease lease) {
    return leases.computeIfAbsent(lease, l -> new GatedLease(this, l, events));
  }

  void forget(Lease inner) {
    leases.remove(inner);
  }

  /** Wraps a fresh grant, giving it back if quorum was lost while it was being granted. */
  private Lease admit(Lease granted, LockMode mode) {
    GatedLease lease = wrap(granted);
    if (!quorum.grantsAllowed()) {
      lease.release();
      checkQuorum(granted.resource(), mode);
    }
    return lease;
  }

  @Override
  public Lock lock(String resource) {
    return lock(resource, LockOptions.defaults());
  }

  @Override
  public Lock lock(String resource, LockOptions options) {
    Objects.requireNonNull(options, "options");
    LockOptions innerOptions = options;
    if (options.blockingCallback().isPresent()) {
      var callback = options.blockingCallback().get();
      LockOptions.Builder builder =
          LockOptions.builder()
              .onBlocking((lease, wanted) -> callback.onBlocking(wrap(lease), wanted));
      options.acquireTimeout().ifPresent(builder::acquireTimeout);
      innerOptions = builder.build();
    }
    Lock lock = inner.lock(resource, innerOptions);
    return new GatedLock(lock, options);
  }

  @Override
  public Mechanism mechanism() {
    return inner.mechanism();
  }

  @Override
  public void close() {
    quorum.removeListener(revoker);
    inner.close();
  }

  @Override
  public String toString() {
    return "QuorumGate[" + inner + "]";
  }

  /** A handle that checks quorum before and after each grant. */
  private final class GatedLock implements Lock {
    private final Lock lock;
    private final LockOptions options;

    GatedLock(Lock lock, LockOptions options) {
      this.lock = lock;
      this.options = options;
    }

    @Override
    public String resource() {
      return lock.resource();
    }

    @Override
    public LockOptions options() {
      return options;
    }

    @Override
    public Lease acquire(LockMode mode) throws InterruptedException {
      Objects.requireNonNull(mode, "mode");
      checkQuorum(resource(), mode);
      return admit(lock.acquire(mode), mode);
    }

    @Override
    public Optional<Lease> tryAcquire(LockMode mode, Duration timeout) throws InterruptedException {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(timeout, "timeout");
      checkQuorum(resource(), mode);
      Optional<Lease> granted = lock.tryAcquire(mode, timeout);
      return granted.isPresent() ? Optional.of(admit(granted.get(), mode)) : granted;
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(LockMode mode) {
      Objects.requireNonNull(mode, "mode");
      try {
        checkQuorum(resource(), mode);
      } catch (QuorateException e) {
        return CompletableFuture.failedFuture(e);
      }
      CompletableFuture<Lease> request = lock.acquireAsync(mode);
      CompletableFuture<Lease> result = request.thenApply(granted -> admit(granted, mode));
      // Cancelling what the caller holds must withdraw the request underneath.
      result.whenComplete(
          (lease, failure) -> {
            if (result.isCancelled()) {
              request.cancel(false);
            }
          });
      return result;
    }

    @Override
    public String toString() {
      return "QuorumGate.Lock[" + lock + "]";
    }
  }
}
