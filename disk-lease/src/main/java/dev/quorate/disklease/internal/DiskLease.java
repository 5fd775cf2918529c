package dev.quorate.disklease.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grant of the disk lock manager: a local grant of this host's in-process manager, which orders
 * the host's own threads, covered by a claim on the resource's slot on the disks. Its state is the
 * local grant's, turned SUSPECT and LOST by the host lease; its token is the slot's lease version
 * with the local grant number, so it rises with every disk grant and with every local one.
 */
final class DiskLease implements Lease {
  private static final Logger LOG = LoggerFactory.getLogger(DiskLease.class);

  private final Lease local;
  private final DiskLocks manager;
  private final int slot;
  private final Executor events;
  private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
  private SlotClaims.Claim claim; // guarded by this; null for NL
  private long lver; // guarded by this
  private LeaseState state = LeaseState.GRANTED; // guarded by this

  DiskLease(
      Lease local,
      DiskLocks manager,
      int slot,
      SlotClaims.Claim claim,
      long lver,
      Executor events) {
    this.local = local;
    this.manager = manager;
    this.slot = slot;
    this.claim = claim;
    this.lver = lver;
    this.events = events;
    local.addListener(e -> onLocal(e));
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
    manager.awaitConversion(convertAsync(mode), null);
  }

  @Override
  public boolean tryConvert(LockMode mode, Duration timeout) throws InterruptedException {
    DiskLocks.requireNotNegative(timeout);
    return manager.awaitConversion(convertAsync(mode), timeout);
  }

  @Override
  public CompletableFuture<Lease> convertAsync(LockMode mode) {
    DiskLocks.requireSupported(mode);
    checkValid();
    boolean down = mode().covers(mode);
    SlotClaims.Claim next = manager.claim(slot, mode);
    CompletableFuture<Lease> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<Lease>> localConversion = new AtomicReference<>();
    CompletableFuture<Long> covered =
        next == null ? CompletableFuture.completedFuture(null) : next.granted();
    covered.whenComplete(
        (grantedLver, failure) -> {
          if (failure != null || result.isDone()) {
            closeQuietly(next);
            result.completeExceptionally(DiskLocks.unwrap(failure, resource(), mode));
            return;
          }
          CompletableFuture<Lease> conversion;
          try {
            conversion = local.convertAsync(mode);
          } catch (RuntimeException e) {
            closeQuietly(next);
            result.completeExceptionally(e);
            return;
          }
          localConversion.set(conversion);
          conversion.whenComplete(
              (converted, error) -> {
                if (error != null) {
                  closeQuietly(next);
                  result.completeExceptionally(error);
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
    result.whenComplete(
        (l, e) -> {
          if (result.isCancelled()) {
            CompletableFuture<Lease> conversion = localConversion.get();
            if (conversion != null) {
              conversion.cancel(false);
            } else {
              closeQuietly(next);
            }
          }
        });
    return result;
  }

  @Override
  public void addListener(LeaseListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(LeaseListener listener) {
    listeners.remove(listener);
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
      emit(state, host, why);
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
    synchronized (this) {
      if (state.isFinal()) {
        return false;
      }
      emit(state, to, why);
      state = to;
      held = claim;
      claim = null;
    }
    manager.ended(this);
    closeQuietly(held);
    return true;
  }

  /** Queues an event; called under this lease's monitor, so events keep their order. */
  private void emit(LeaseState from, LeaseState to, String why) {
    LeaseEvent event = new LeaseEvent(this, from, to, why);
    List<LeaseListener> hearing = List.copyOf(listeners);
    events.execute(
        () -> {
          for (LeaseListener l : hearing) {
            try {
              l.onTransition(event);
            } catch (RuntimeException e) {
              LOG.warn("lease listener failed on {}", event, e);
            }
          }
        });
  }

  private static void closeQuietly(SlotClaims.Claim c) {
    if (c != null) {
      c.close();
    }
  }
}
