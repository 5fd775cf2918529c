package dev.quorate.quorum.internal;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.spi.Forwarded;
import dev.quorate.lock.spi.LeaseEvents;
import dev.quorate.lock.spi.LosableLease;
import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lease seen through the quorum gate: the inner lease, unless quorum was lost under STOP, which
 * makes it LOST at once (checked on every look, not only when the quorum event arrives) and gives
 * the inner lease up as lost ({@link LosableLease}), never as a clean release. All events, the
 * inner lease's, the revocation and the blocking callbacks, pass through one serial queue, so they
 * arrive once and in order, and nothing after a final state.
 */
final class GatedLease implements Lease {
  private final GatedLockManager gate;
  private final Lease inner;
  private final LeaseEvents events;
  private final ReentrantLock lock = new ReentrantLock();
  private LeaseState last = LeaseState.GRANTED;
  private String revokedBecause;

  GatedLease(GatedLockManager gate, Lease inner, Executor executor, List<LeaseListener> listeners) {
    this.gate = gate;
    this.inner = inner;
    this.events = new LeaseEvents(this, executor, listeners);
    inner.addListener(this::forward);
  }

  private void forward(LeaseEvent event) {
    lock.lock();
    try {
      if (revokedBecause != null || last.isFinal()) {
        return;
      }
      last = event.to();
      emit(event.from(), event.to(), event.cause());
    } finally {
      lock.unlock();
    }
    if (event.to().isFinal()) {
      gate.forget(inner);
    }
  }

  void revoke(String cause) {
    lock.lock();
    try {
      if (revokedBecause != null || last.isFinal()) {
        return;
      }
      revokedBecause = cause;
      emit(last, LeaseState.LOST, cause);
      last = LeaseState.LOST;
    } finally {
      lock.unlock();
    }
    // Lost, not released: this member's threads may still write, so a gated lock must wait for
    // the recovery gate before it is granted again (a release would hand it on at once).
    LosableLease.abandonOrRelease(inner, cause);
    gate.forget(inner);
  }

  void deliverBlocking(BlockingCallback callback, LockMode wanted) {
    events.blocking(callback, wanted);
  }

  // Called with the lock held, so events enter the queue in the order of the transitions.
  private void emit(LeaseState from, LeaseState to, String cause) {
    events.emit(from, to, cause);
  }

  /** The revocation cause, revoking first if quorum is gone under STOP and no event came yet. */
  private String revoked() {
    if (gate.mustRevoke()) {
      revoke("quorum lost");
    }
    lock.lock();
    try {
      return revokedBecause;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String resource() {
    return inner.resource();
  }

  @Override
  public LockMode mode() {
    return inner.mode();
  }

  @Override
  public FencingToken token() {
    return inner.token();
  }

  @Override
  public LeaseState state() {
    if (revoked() != null) {
      return LeaseState.LOST;
    }
    lock.lock();
    try {
      // A release is a transition at once (see release()); the inner lease may still say GRANTED.
      if (last.isFinal()) {
        return last;
      }
    } finally {
      lock.unlock();
    }
    return inner.state();
  }

  @Override
  public void checkValid() {
    String cause = revoked();
    if (cause != null) {
      throw new LeaseLostException(
          ErrorCode.LEASE_LOST, "lease on '" + resource() + "' was revoked: " + cause);
    }
    inner.checkValid();
  }

  @Override
  public ValueBlock valueBlock() {
    return inner.valueBlock();
  }

  @Override
  public void setValueBlock(ValueBlock value) {
    checkValid();
    inner.setValueBlock(value);
  }

  @Override
  public void convert(LockMode mode) throws InterruptedException {
    Requests.awaitConversion(convertAsync(mode));
  }

  @Override
  public boolean tryConvert(LockMode mode, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    CompletableFuture<Lease> conversion = convertAsync(mode);
    try {
      conversion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      if (conversion.cancel(false)) {
        return false;
      }
      join(conversion); // granted (or failed) just as the time ran out
      return true;
    } catch (InterruptedException e) {
      if (!conversion.cancel(false)) {
        Thread.currentThread().interrupt();
        join(conversion);
        return true;
      }
      throw e;
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static void join(CompletableFuture<Lease> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    return cause instanceof RuntimeException r
        ? r
        : new QuorateException(ErrorCode.INTERNAL, "conversion failed: " + cause, cause);
  }

  @Override
  public CompletableFuture<Lease> convertAsync(LockMode mode) {
    Objects.requireNonNull(mode, "mode");
    boolean upward = !inner.mode().covers(mode);
    try {
      checkValid();
      if (upward) {
        gate.checkQuorum(resource(), mode);
      }
    } catch (QuorateException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Lease> source = inner.convertAsync(mode);
    // An up-conversion is a new grant: a loss of quorum withdraws it while it waits.
    return upward
        ? gate.pending().track(source, converted -> this, ignored -> {})
        : Forwarded.completingWith(source, this);
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
    lock.lock();
    try {
      // The holder's own release is a transition now, not when the inner event comes back.
      if (revokedBecause == null && !last.isFinal()) {
        emit(last, LeaseState.RELEASED, "released by holder");
        last = LeaseState.RELEASED;
      }
    } finally {
      lock.unlock();
    }
    inner.release();
    gate.forget(inner);
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    String cause;
    lock.lock();
    try {
      cause = revokedBecause;
    } finally {
      lock.unlock();
    }
    return "QuorumGate." + inner + (cause != null ? " (revoked: " + cause + ")" : "");
  }
}
