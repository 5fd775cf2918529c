package dev.quorate.zk.internal;

import dev.quorate.lock.ConversionDeadlockException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The conversion of one lease. A conversion creates a node in the new mode that keeps the lease's
 * place in the queue ({@link LockNode#conversionPrefix}); the old node stays until the new one is
 * granted, so the lease keeps its old mode while it waits. An up-conversion is a new grant: its
 * token is the new node's czxid. A down-conversion is granted at once and keeps the token.
 *
 * <p>On a lock with a recovery gate, an up-conversion that the queue grants is also held back until
 * every lost holder beside the lease is recovered ({@link RecoveryCheck#admitConversion}).
 *
 * <p>The conversion keeps its own bookkeeping (the pending node, its future); what changes the
 * lease (its node, mode, token and value block) it returns as a {@link LeaseInput.Converted} for
 * the lease to apply. It never calls the lease. All methods run on the lease's steps.
 */
final class ZkConversion {
  private final ZkNodes nodes;
  private final String container;
  private final String resource;
  private final LeaseWatch watch;
  private final RecoveryCheck recovery;
  private final Executor steps;
  private final Consumer<LeaseInput> events;
  private final Timer afterTimeout;
  private ZkNodes.Created pending;
  private LockMode target;
  private Outcome future;
  private boolean tryOnce;

  /**
   * @param recovery the lock's recovery check, or null if ungated
   * @param steps the lease's serial steps
   * @param events posts an event to the lease's steps
   * @param afterTimeout the manager's timer, for conversion deadlines
   */
  ZkConversion(
      ZkNodes nodes,
      String container,
      String resource,
      LeaseWatch watch,
      RecoveryCheck recovery,
      Executor steps,
      Consumer<LeaseInput> events,
      Timer afterTimeout) {
    this.nodes = nodes;
    this.container = container;
    this.resource = resource;
    this.watch = watch;
    this.recovery = recovery;
    this.steps = steps;
    this.events = events;
    this.afterTimeout = afterTimeout;
  }

  /** The manager's timer: runs an action after a timeout unless a future completes first. */
  @FunctionalInterface
  interface Timer {
    void schedule(Duration timeout, CompletableFuture<?> until, Runnable action);
  }

  /**
   * Asks the lease for a conversion to {@code target} within {@code timeout} (null: no bound);
   * called by the holder. The lease's transition function decides whether it may {@link #begin}.
   */
  CompletableFuture<Lease> start(LockMode target, Duration timeout) {
    Outcome result = new Outcome();
    boolean tryOnce = timeout != null && timeout.isZero();
    events.accept(new LeaseInput.ConversionAsked(target, tryOnce, result));
    if (timeout != null && !tryOnce) {
      // The deadline runs on the lease's steps, like the grant: whichever comes first wins, so a
      // conversion reported as timed out has surely left the lease in its old mode.
      afterTimeout.schedule(
          timeout, result, () -> steps.execute(() -> timeout(result, target, timeout)));
    }
    result.whenComplete(
        (converted, failure) -> {
          if (failure != null) {
            steps.execute(() -> cancel(result));
          }
        });
    return result;
  }

  /**
   * Begins a conversion of the lease held as {@code held} to {@code to}; none is granted once the
   * manager is {@code closed}.
   *
   * @return the conversion, if it was granted at once
   */
  Optional<LeaseInput.Converted> begin(
      LeaseStatus held, LockMode to, boolean tryOnce, Outcome result, BooleanSupplier closed) {
    if (future != null) {
      result.completeExceptionally(
          new IllegalStateException(
              "a conversion of the lease on '"
                  + resource
                  + "' to "
                  + target
                  + " is already pending"));
      return Optional.empty();
    }
    LockMode from = held.mode();
    try {
      if (from != to) {
        // Before the lease's new node exists: a request waiting on the held node then lists the
        // queue again when it goes, and sees the new node (LeaseMachine.deletionGrants).
        nodes.markChanging(held.node().path());
      }
      if (from == to || from.covers(to)) {
        if (!result.claim()) {
          return Optional.empty(); // withdrawn by its caller before it began
        }
        // A down-conversion never waits: the new node asks for less than the old one holds.
        ZkNodes.Created node =
            from == to
                ? held.node()
                : nodes.create(
                    container, prefix(held, to), LockNodeData.keeping(nodes.owner(), held.token()));
        return Optional.of(new LeaseInput.Converted(node, to, null, result));
      }
      target = to;
      future = result;
      this.tryOnce = tryOnce;
      pending =
          nodes.create(
              container, prefix(held, to), LockNodeData.superseding(nodes.owner(), held.token()));
      return evaluate(held, closed);
    } catch (QuorateException e) {
      if (future == result) {
        clear();
      }
      result.completeExceptionally(e);
      return Optional.empty();
    }
  }

  private static String prefix(LeaseStatus held, LockMode to) {
    LockNode node = LockNode.parse(held.node().name()).orElseThrow();
    return LockNode.conversionPrefix(to, node.position());
  }

  /**
   * Decides the pending conversion of the lease held as {@code held}: granted if the queue allows
   * it, else it watches the queue (or fails: deadlock, try-once, manager {@code closed}).
   *
   * @return the conversion, if granted now
   */
  Optional<LeaseInput.Converted> evaluate(LeaseStatus held, BooleanSupplier closed) {
    if (pending == null || future == null || !held.phase().held()) {
      return Optional.empty();
    }
    if (future.isDone()) {
      cancel(future);
      return Optional.empty();
    }
    if (failIfClosed(closed)) {
      return Optional.empty();
    }
    try {
      // Unlike a request, a conversion can be freed without any node going away (a waiter it
      // waited for starts to queue behind it instead), so it watches the whole queue.
      QueueSnapshot queue = watch.queueForConversion();
      ConversionRule rule = ConversionRule.of(queue, pending.name());
      if (queue.find(held.node().name()).isEmpty()) {
        // The held node went (a revocation, its session's end) while the conversion waited: never
        // grant the conversion from it; the lease is lost, and its deletion event may come later.
        fail(
            new QuorateException(
                ErrorCode.LEASE_LOST,
                "lock node " + held.node().path() + " was deleted while converting"),
            true);
        events.accept(new LeaseInput.NodeDeleted(held.node().path()));
      } else if (rule == ConversionRule.VANISHED) {
        fail(
            new QuorateException(
                ErrorCode.LEASE_LOST, "conversion node " + pending.path() + " vanished"),
            true);
      } else if (rule == ConversionRule.DEADLOCK) {
        fail(new ConversionDeadlockException(resource, held.mode(), target), true);
      } else if (rule == ConversionRule.GRANT && !failIfClosed(closed)) {
        LockNode me = queue.find(pending.name()).orElseThrow();
        if (recovery == null
            || recovery.proceed(
                recovery.admitConversion(queue, me),
                tryOnce,
                () -> fail(new LockTimeoutException(resource, target, Duration.ZERO), true),
                () -> events.accept(new LeaseInput.BlockerGone()))) {
          return grant();
        }
      } else if (tryOnce) {
        fail(new LockTimeoutException(resource, target, Duration.ZERO), true);
      }
    } catch (QuorateException e) {
      if (tryOnce || e.code() != ErrorCode.CONNECTION_LOSS) {
        fail(e, true);
      }
      // Else connection trouble: re-evaluated when the connection is back.
    }
    return Optional.empty();
  }

  /**
   * Fails the conversion if the manager is closed. Asked again after the listing: close() sets the
   * flag before it deletes any node, so a listing freed by close() is never taken for a grant.
   */
  private boolean failIfClosed(BooleanSupplier closed) {
    if (!closed.getAsBoolean()) {
      return false;
    }
    fail(
        new QuorateException(
            ErrorCode.CLOSED, "lock manager closed; conversion on '" + resource + "' failed"),
        true);
    return true;
  }

  private Optional<LeaseInput.Converted> grant() {
    if (!future.claim()) {
      cancel(future); // withdrawn by its caller at this very moment: the lease keeps its mode
      return Optional.empty();
    }
    LeaseInput.Converted done =
        new LeaseInput.Converted(pending, target, nodes.reads().readValue(container), future);
    clear();
    return Optional.of(done);
  }

  /** Fails the conversion that would complete {@code which} if it still waits (its deadline). */
  void timeout(Outcome which, LockMode to, Duration timeout) {
    if (future == which) {
      fail(new LockTimeoutException(resource, to, timeout), true);
    }
  }

  /** Withdraws the conversion that would complete {@code which}; the lease keeps its mode. */
  void cancel(CompletableFuture<Lease> which) {
    if (future == which && pending != null) {
      nodes.delete(pending.path());
      clear();
    }
  }

  private void clear() {
    pending = null;
    future = null;
    target = null;
  }

  /**
   * Fails a pending conversion (lease lost, released, deadlock) and deletes its node, waiting for
   * the delete only while the lease is {@code held}.
   */
  void fail(QuorateException why, boolean held) {
    if (future == null) {
      return;
    }
    Outcome failed = future;
    if (pending != null && held) {
      nodes.delete(pending.path());
    } else if (pending != null) {
      nodes.deleteInBackground(pending.path());
    }
    clear();
    failed.completeExceptionally(why);
  }

  /** Whether a conversion waits; only then is a failure worth building (with its stack trace). */
  boolean inProgress() {
    return future != null;
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
