package dev.quorate.disklease.internal;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.spi.LeaseEvents;
import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A grant of the disk lock manager: a local grant of this host's in-process manager, which orders
 * the host's own threads, covered by a claim on the resource's slot on the disks. Its state is the
 * local grant's, turned SUSPECT and LOST by the host lease; its token is the slot's lease version
 * with the local grant number, so it rises with every disk grant and with every local one.
 */
final class DiskLease implements Lease {
  private final Lease local;
  private final DiskLocks manager;
  private final int slot;
  private final LeaseEvents events; // emitted under this lease's monitor, so they keep their order
  private final Executor delivery;
  private final BlockingCallback callback; // null without one
  private final Set<Object> told = new HashSet<>(); // guarded by this; requests called for
  private SlotClaims.Claim claim; // guarded by this; null for NL
  private long lver; // guarded by this
  private LeaseState state = LeaseState.GRANTED; // guarded by this
  private Conversion converting; // guarded by this; the last conversion asked for

  DiskLease(
      Lease local,
      DiskLocks manager,
      int slot,
      SlotClaims.Claim claim,
      long lver,
      Executor delivery,
      LockOptions options) {
    this.local = local;
    this.manager = manager;
    this.slot = slot;
    this.claim = claim;
    this.lver = lver;
    this.events = new LeaseEvents(this, delivery, options.listeners());
    this.delivery = delivery;
    this.callback = options.blockingCallback().orElse(null);
  }

  /**
   * A request (another host's, or a claim of this host deferred behind one) waits for this lease's
   * slot: calls the blocking callback once per request if the lease is granted in a mode that
   * conflicts with {@code wanted}.
   */
  void blocking(int slot, Object request, LockMode wanted) {
    synchronized (this) {
      if (callback == null
          || slot != this.slot
          || state.isFinal()
          || mode().compatibleWith(wanted)
          || !told.add(request)) {
        return;
      }
    }
    delivery.execute(() -> callback.onBlocking(this, wanted));
  }

  /**
   * Follows the local grant once the manager knows this lease: a local grant that ended before (a
   * blocking callback released it as it was granted) ends this lease now, so its listeners hear it.
   */
  void followLocal() {
    local.addListener(this::onLocal);
    LeaseState now = local.state();
    if (now.isFinal()) {
      end(now, "the local grant was " + now + " as it was granted");
    }
  }

  Lease local() {
    return local;
  }

  @Override
  public String resource() {
    return local.resource();
  }

  @Override
  public LockMode mode() {
    return local.mode();
  }

  @Override
  public synchronized FencingToken token() {
    return new FencingToken(lver, local.token().major());
  }

  @Override
  public synchronized LeaseState state() {
    // A local grant released through a blocking callback's handle is released here too.
    return local.state().isFinal() && !state.isFinal() ? local.state() : state;
  }

  @Override
  public void checkValid() {
    switch (state()) {
      case GRANTED:
        return;
      case SUSPECT:
        throw new LeaseLostException(
            ErrorCode.LEASE_SUSPECT,
            resource() + ": this host's delta lease missed its renewal; stop using the resource");
      case LOST:
        throw new LeaseLostException(ErrorCode.LEASE_LOST, resource() + ": lease lost");
      default:
        throw new LeaseLostException(ErrorCode.LEASE_RELEASED, resource() + ": lease released");
    }
  }

  @Override
  public ValueBlock valueBlock() {
    return local.valueBlock();
  }

  @Override
  public void setValueBlock(ValueBlock value) {
    checkValid();
    local.setValueBlock(value);
  }

  @Override
  public void convert(LockMode mode) throws InterruptedException {
    Requests.awaitConversion(convertAsync(mode));
  }

  @Override
  public boolean tryConvert(LockMode mode, Duration timeout) throws InterruptedException {
    DiskLock.requireNotNegative(timeout);
    Conversion conversion = convertAsync(mode);
    manager.schedule(() -> conversion.expire(timeout), timeout);
    return Requests.awaitConversionWithin(conversion, timeout);
  }

  @Override
  public Conversion convertAsync(LockMode mode) {
    DiskLock.requireSupported(mode);
    checkValid();
    boolean down = mode().covers(mode);
    SlotClaims.Claim next = manager.claim(slot, mode, false);
    Conversion result = new Conversion(mode, next);
    synchronized (this) {
      converting = result;
    }
    CompletableFuture<Long> covered =
        next == null ? CompletableFuture.completedFuture(null) : next.granted();
    covered.whenComplete(
        (grantedLver, failure) -> {
          if (failure instanceof CancellationException) {
            // The claim was closed by a withdrawal (a cancel or the caller's timeout) before the
            // disks granted it: the withdrawal completes the conversion, with its own outcome.
            return;
          }
          if (failure != null) {
            result.fail(DiskLock.unwrap(failure, resource(), mode));
            return;
          }
          CompletableFuture<Lease> conversion = result.startLocal();
          if (conversion == null) {
            return; // withdrawn, timed out or failed meanwhile; the claim is closed
          }
          conversion.whenComplete(
              (converted, error) -> {
                if (error instanceof CancellationException) {
                  closeQuietly(next); // withdrawn: the withdrawal completes the conversion
                  return;
                }
                if (error != null) {
                  result.fail(error);
                  return;
                }
                SlotClaims.Claim old;
                synchronized (this) {
                  old = claim;
                  claim = next;
                  if (!down && grantedLver != null) {
                    lver = grantedLver;
                  }
                }
                closeQuietly(old);
                result.complete(this);
              });
        });
    return result;
  }

  /**
   * A conversion in its two steps: the slot claimed on the disks for the new mode, then the local
   * grant converted. It can be withdrawn (cancelled or timed out) until the local grant has changed
   * mode, and not after: a withdrawal that succeeds leaves the lease in its old mode.
   */
  final class Conversion extends CompletableFuture<Lease> {
    private final LockMode target;
    private final SlotClaims.Claim next;
    private CompletableFuture<Lease> local; // guarded by this

    private Conversion(LockMode target, SlotClaims.Claim next) {
      this.target = target;
      this.next = next;
    }

    /** Starts the local conversion, or returns null if this conversion already ended. */
    private synchronized CompletableFuture<Lease> startLocal() {
      if (isDone()) {
        return null;
      }
      try {
        local = DiskLease.this.local.convertAsync(target);
      } catch (RuntimeException e) {
        fail(e);
        return null;
      }
      return local;
    }

    private void fail(Throwable failure) {
      closeQuietly(next);
      completeExceptionally(failure);
    }

    /** The caller's timeout passed: withdraws the conversion unless it is too late. */
    private void expire(Duration timeout) {
      if (withdraw()) {
        completeExceptionally(new LockTimeoutException(resource(), target, timeout));
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return withdraw() && super.cancel(mayInterruptIfRunning);
    }

    /** Withdraws the local conversion if it started; false once it changed the lease's mode. */
    private boolean withdraw() {
      CompletableFuture<Lease> started;
      synchronized (this) {
        if (isDone()) {
          return false;
        }
        started = local;
        if (started == null) {
          // Not started: startLocal, under this monitor, will see this future done.
          closeQuietly(next);
          return true;
        }
      }
      return started.cancel(false);
    }
  }

  @Override
  public void addListener(LeaseListener listener) {
    events.add(listener);
  }

  @Override
  public void removeListener(LeaseListener listener) {
    events.remove(listener);
  }

  @Override
  public void release() {
    if (end(LeaseState.RELEASED, "released")) {
      local.release();
    }
  }

  @Override
  public void close() {
    release();
  }

  /** The host lease changed: GRANTED and SUSPECT follow it, LOST ends this lease. */
  void hostChanged(LeaseState host, String why) {
    if (host == LeaseState.LOST) {
      if (end(LeaseState.LOST, why)) {
        local.release();
      }
      return;
    }
    synchronized (this) {
      if (state.isFinal() || state == host) {
        return;
      }
      events.emit(state, host, why);
      state = host;
    }
  }

  private void onLocal(LeaseEvent event) {
    if (event.to().isFinal()) {
      end(event.to(), event.cause());
    }
  }

  /** Ends the lease once; returns true for the call that ended it. */
  private boolean end(LeaseState to, String why) {
    SlotClaims.Claim held;
    Conversion pending;
    synchronized (this) {
      if (state.isFinal()) {
        return false;
      }
      events.emit(state, to, why);
      state = to;
      held = claim;
      claim = null;
      pending = converting;
    }
    manager.ended(this);
    closeQuietly(held);
    if (pending != null && !pending.isDone()) {
      // Still waiting for the disks (a local conversion fails with the local grant by itself).
      pending.fail(
          new LeaseLostException(
              ErrorCode.LEASE_RELEASED,
              resource() + ": the lease was " + to + " while converting to " + pending.target));
    }
    return true;
  }

  private static void closeQuietly(SlotClaims.Claim c) {
    if (c != null) {
      c.close();
    }
  }
}
