package dev.quorate.quorum.internal;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.Election;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.Permit;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.lock.spi.LockHandle;
import dev.quorate.quorum.NoQuorumPolicy;
import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumListener;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.QuorumState;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** The lock manager behind {@link dev.quorate.quorum.QuorumGate}. */
public final class GatedLockManager implements LockManager {
  private final LockManager inner;
  private final QuorumService quorum;
  private final Executor events = DaemonThreads.idleEnding("quorate-gate-events");
  private final Map<Lease, GatedLease> leases = new ConcurrentHashMap<>();
  private final Set<Revocable> held = ConcurrentHashMap.newKeySet(); // permits and leaderships
  private final PendingRequests pending = new PendingRequests();
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
    if (event.lostQuorum()) {
      pending.abortAll(noQuorum("request"));
    }
    if (event.revokeHeldLeases()) {
      String cause = "quorum lost: " + event.current().explanation();
      for (GatedLease lease : leases.values()) {
        lease.revoke(cause);
      }
      for (Revocable grant : held) {
        grant.revoke(cause);
      }
    }
  }

  /** True when leases must end now: quorum is gone under {@link NoQuorumPolicy#STOP}. */
  boolean mustRevoke() {
    return quorum.noQuorumPolicy() == NoQuorumPolicy.STOP && !quorum.grantsAllowed();
  }

  void checkQuorum(String resource, LockMode mode) {
    checkQuorum(mode + " on '" + resource + "'");
  }

  /** Refuses {@code what} (a request, described for the message) unless grants are allowed. */
  void checkQuorum(String what) {
    if (!quorum.grantsAllowed()) {
      throw noQuorum(what);
    }
  }

  private QuorateException noQuorum(String what) {
    QuorumState state = quorum.state();
    return new QuorateException(
        ErrorCode.NO_QUORUM,
        "refusing "
            + what
            + ": this member's partition is not quorate ("
            + state.reason()
            + ": "
            + state.explanation()
            + ")");
  }

  PendingRequests pending() {
    return pending;
  }

  /** The gate's view of {@code lease}, made once per inner lease. */
  GatedLease wrap(Lease lease, LockOptions options) {
    return leases.computeIfAbsent(lease, l -> new GatedLease(this, l, events, options.listeners()));
  }

  void forget(Lease inner) {
    leases.remove(inner);
  }

  void forget(Revocable grant) {
    held.remove(grant);
  }

  /** Wraps a fresh permit, giving it back if quorum was lost while it was being granted. */
  Permit admit(Permit granted) {
    return admit(
        new GatedPermit(this, granted, events), "a permit of '" + granted.semaphore() + "'");
  }

  /** Wraps a fresh leadership, resigning it if quorum was lost while it was being won. */
  Leadership admit(Leadership won) {
    return admit(new GatedLeadership(this, won, events), "leading '" + won.election() + "'");
  }

  private <T extends Revocable> T admit(T grant, String what) {
    held.add(grant); // before the look below: a loss from now on revokes it, or the look sees it
    if (!quorum.grantsAllowed()) {
      grant.revoke("granted as quorum was lost");
      throw noQuorum(what);
    }
    return grant;
  }

  /** Wraps a fresh grant, giving it back if quorum was lost while it was being granted. */
  private Lease admit(Lease granted, LockMode mode, LockOptions options) {
    GatedLease lease = wrap(granted, options);
    if (!quorum.grantsAllowed()) {
      lease.release();
      throw noQuorum(mode + " on '" + granted.resource() + "'");
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
    Lock lock = inner.lock(resource, innerOptions(options, null));
    return new LockHandle(
        resource,
        options,
        (mode, timeout, callerWaits) -> {
          try {
            checkQuorum(resource, mode);
          } catch (QuorateException e) {
            return CompletableFuture.failedFuture(e);
          }
          // The inner lock times out as this request must (tryAcquire brings its own timeout).
          Lock timed =
              Objects.equals(timeout, options.acquireTimeout().orElse(null))
                  ? lock
                  : inner.lock(resource, innerOptions(options, timeout));
          return pending.track(
              timed.acquireAsync(mode), granted -> admit(granted, mode, options), Lease::release);
        });
  }

  /** The options for the inner manager: the user's, with the callback seen through the gate. */
  private LockOptions innerOptions(LockOptions options, Duration timeout) {
    LockOptions.Builder builder = LockOptions.builder();
    Optional<BlockingCallback> callback = options.blockingCallback();
    callback.ifPresent(
        user ->
            builder.onBlocking(
                (lease, wanted) -> {
                  // A callback about a lease that is already over concerns nobody.
                  if (!lease.state().isFinal()) {
                    wrap(lease, options).deliverBlocking(user, wanted);
                  }
                }));
    // Dropping the gate here would grant a lost member's lock before its fence: pass it on.
    options.recoveryGate().ifPresent(builder::recoveryGate);
    if (timeout != null) {
      builder.acquireTimeout(timeout);
    } else {
      options.acquireTimeout().ifPresent(builder::acquireTimeout);
    }
    return builder.build();
  }

  @Override
  public Election election(String name) {
    return new GatedElection(this, inner.election(name));
  }

  @Override
  public Semaphore semaphore(String name, int permits) {
    return new GatedSemaphore(this, inner.semaphore(name, permits));
  }

  @Override
  public Mechanism mechanism() {
    return inner.mechanism();
  }

  @Override
  public dev.quorate.lock.LockInspection inspect(String resource) {
    return inner.inspect(resource);
  }

  @Override
  public dev.quorate.lock.Revocation revoke(
      String resource, dev.quorate.lock.FencingToken token, String requestedBy, String reason) {
    return inner.revoke(resource, token, requestedBy, reason);
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
}
