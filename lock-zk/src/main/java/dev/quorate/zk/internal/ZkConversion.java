package dev.quorate.zk.internal;

import dev.quorate.lock.ConversionDeadlockException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The conversion of one lease. A conversion creates a node in the new mode that keeps the lease's
 * place in the queue ({@link LockNode#conversionPrefix}); the old node stays until the new one is
 * granted, so the lease keeps its old mode while it waits. An up-conversion is a new grant: its
 * token is the new node's czxid. A down-conversion is granted at once and keeps the token.
 *
 * <p>On a lock with a recovery gate, an up-conversion that the queue grants is also held back until
 * every lost holder beside the lease is recovered ({@link RecoveryCheck#admitConversion}).
 *
 * <p>All methods but {@link #start} run on the lease's steps.
 */
final class ZkConversion {
  private final ZkLease lease;
  private ZkNodes.Created pending;
  private LockMode target;
  private Outcome future;
  private boolean tryOnce;

  ZkConversion(ZkLease lease) {
    this.lease = lease;
  }

  CompletableFuture<Lease> start(LockMode to, Duration timeout) {
    Outcome result = new Outcome();
    lease.steps.execute(() -> begin(to, timeout, result));
    if (timeout != null && !timeout.isZero()) {
      // The deadline runs on the lease's steps, like the grant: whichever comes first wins, so a
      // conversion reported as timed out has surely left the lease in its old mode.
      lease.service.afterTimeout(
          timeout,
          result,
          () ->
              lease.steps.execute(
                  () -> {
                    if (future == result) {
                      fail(new LockTimeoutException(lease.resource, to, timeout));
                    }
                  }));
    }
    result.whenComplete(
        (converted, failure) -> {
          if (failure != null) {
            lease.steps.execute(() -> cancel(result));
          }
        });
    return result;
  }

  private void begin(LockMode to, Duration timeout, Outcome result) {
    if (lease.state() != LeaseState.GRANTED) {
      result.completeExceptionally(lease.notGranted());
      return;
    }
    if (future != null) {
      result.completeExceptionally(
          new IllegalStateException(
              "a conversion of " + lease + " to " + target + " is already pending"));
      return;
    }
    LockMode from = lease.mode();
    try {
      if (from == to || from.covers(to)) {
        if (!result.claim()) {
          return; // withdrawn by its caller before it began
        }
        if (from != to) {
          convertDown(to);
        }
        lease.completeLater(result);
      } else {
        target = to;
        future = result;
        tryOnce = timeout != null && timeout.isZero();
        pending = lease.nodes.create(lease.container, prefix(to));
        evaluate();
      }
    } catch (QuorateException e) {
      if (future == result) {
        pending = null;
        future = null;
        target = null;
      }
      result.completeExceptionally(e);
    }
  }

  private String prefix(LockMode to) {
    LockNode held = LockNode.parse(lease.node.name()).orElseThrow();
    return LockNode.conversionPrefix(to, held.position());
  }

  /** A down-conversion never waits: the new node asks for less than the old one holds. */
  private void convertDown(LockMode to) {
    ZkNodes.Created created = lease.nodes.create(lease.container, prefix(to));
    ZkNodes.Created old = lease.node;
    // VMS: a PW or EX holder's staged value is written on any down-conversion (only they stage).
    ValueBlock write = lease.convertedDown(created, to);
    lease.watch.ownNode();
    if (write != null) {
      lease.nodes.release(lease.container, old.path(), write, lease.valueVersion);
      lease.valueVersion(lease.nodes.readValue(lease.container).version());
    } else {
      lease.nodes.delete(old.path());
    }
  }

  /** Grants the pending conversion if the queue allows it; else watches the nearest blocker. */
  void evaluate() {
    if (pending == null || future == null || !lease.isHeld()) {
      return;
    }
    if (future.isDone()) {
      cancel(future);
      return;
    }
    if (lease.service.isClosed()) {
      // close() may free our blockers before it reaches this lease: never grant after close.
      fail(
          new QuorateException(
              ErrorCode.CLOSED,
              "lock manager closed; conversion on '" + lease.resource + "' failed"));
      return;
    }
    try {
      // Unlike a request, a conversion can be freed without any node going away (a waiter it
      // waited for starts to queue behind it instead), so it watches the whole queue.
      QueueSnapshot queue = lease.watch.queueForConversion();
      LockNode me = queue.find(pending.name()).orElse(null);
      if (me == null) {
        fail(
            new QuorateException(
                ErrorCode.LEASE_LOST, "conversion node " + pending.path() + " vanished"));
        return;
      }
      if (queue.deadlocks(me)) {
        fail(new ConversionDeadlockException(lease.resource, lease.mode(), target));
        return;
      }
      List<LockNode> blockers = queue.blockers(me);
      if (blockers.isEmpty()) {
        RecoveryCheck recovery = lease.recovery();
        if (recovery != null
            && !recovery.proceed(
                recovery.admitConversion(queue, me),
                tryOnce,
                () -> fail(new LockTimeoutException(lease.resource, target, Duration.ZERO)),
                this::evaluate)) {
          return;
        }
        grant();
      } else if (tryOnce) {
        fail(new LockTimeoutException(lease.resource, target, Duration.ZERO));
      }
    } catch (QuorateException e) {
      if (tryOnce || e.code() != ErrorCode.CONNECTION_LOSS) {
        fail(e);
      }
      // Else connection trouble: re-evaluated when the connection is back.
    }
  }

  private void grant() {
    if (!future.claim()) {
      cancel(future); // withdrawn by its caller at this very moment: the lease keeps its mode
      return;
    }
    ZkNodes.Created old = lease.node;
    lease.convertedUp(pending, target, lease.nodes.readValue(lease.container));
    Outcome done = future;
    pending = null;
    future = null;
    target = null;
    lease.watch.ownNode();
    lease.nodes.delete(old.path());
    lease.watch.waiters();
    lease.completeLater(done);
  }

  /** Withdraws the conversion that would complete {@code which}; the lease keeps its mode. */
  private void cancel(CompletableFuture<Lease> which) {
    if (future == which && pending != null) {
      lease.nodes.delete(pending.path());
      pending = null;
      future = null;
      target = null;
    }
  }

  /** Whether a conversion waits; only then is a failure worth building (with its stack trace). */
  boolean inProgress() {
    return future != null;
  }

  /** Fails a pending conversion (lease lost, released, deadlock) and deletes its node. */
  void fail(QuorateException why) {
    if (future == null) {
      return;
    }
    Outcome failed = future;
    if (pending != null && lease.isHeld()) {
      lease.nodes.delete(pending.path());
    } else if (pending != null) {
      lease.nodes.deleteInBackground(pending.path());
    }
    pending = null;
    future = null;
    target = null;
    failed.completeExceptionally(why);
  }

  /**
   * The caller's future of one conversion. The lease claims it before it changes mode, a cancel
   * claims it before withdrawing: whichever comes first decides. So a cancel that succeeds has left
   * the lease in its old mode, and one that fails means the lease converted (or the conversion
   * failed), which is what an interrupted caller is then told.
   */
  static final class Outcome extends CompletableFuture<Lease> {
    private final AtomicBoolean claimed = new AtomicBoolean();

    /** Claims the conversion for the lease; false if its caller withdrew it first. */
    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return claim() && super.cancel(mayInterruptIfRunning);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
