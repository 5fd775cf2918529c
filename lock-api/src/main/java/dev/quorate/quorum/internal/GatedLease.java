package dev.quorate.quorum.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.internal.SerialExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lease seen through the quorum gate: the inner lease, unless quorum was lost under STOP, which
 * makes it LOST at once. All events, the inner lease's and the revocation, pass through one serial
 * queue, so listeners see each transition once and in order, and nothing after LOST.
 */
final class GatedLease implements Lease {
  private final GatedLockManager gate;
  private final Lease inner;
  private final SerialExecutor events;
  private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private LeaseState last = LeaseState.GRANTED;
  private String revokedBecause;

  GatedLease(GatedLockManager gate, Lease inner, Executor executor) {
    this.gate = gate;
    this.inner = inner;
    this.events = new SerialExecutor(executor);
    inner.addListener(this::forward);
  }

  private void forward(LeaseEvent event) {
    lock.lock();
    try {
      if (revokedBecause != null) {
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
    inner.release();
    gate.forget(inner);
  }

  // Called with the lock held, so events enter the queue in the order of the transitions.
  private void emit(LeaseState from, LeaseState to, String cause) {
    LeaseEvent event = new LeaseEvent(this, from, to, cause);
    events.execute(
        () -> {
          for (LeaseListener listener : listeners) {
            listener.onTransition(event);
          }
        });
  }

  private String revoked() {
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
    return revoked() != null ? LeaseState.LOST : inner.state();
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
    checkConversion(mode);
    inner.convert(mode);
  }

  @Override
  public boolean tryConvert(LockMode mode, Duration timeout) throws InterruptedException {
    checkConversion(mode);
    return inner.tryConvert(mode, timeout);
  }

  @Override
  public CompletableFuture<Lease> convertAsync(LockMode mode) {
    try {
      checkConversion(mode);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return inner.convertAsync(mode).thenApply(converted -> this);
  }

  // An up-conversion is a new grant and needs quorum; a down-conversion never does.
  private void checkConversion(LockMode mode) {
    Objects.requireNonNull(mode, "mode");
    checkValid();
    if (!inner.mode().covers(mode)) {
      gate.checkQuorum(resource(), mode);
    }
  }

  @Override
  public void addListener(LeaseListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(LeaseListener listener) {
    listeners.remove(listener);
  }

  @Override
  public void release() {
    inner.release();
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "QuorumGate." + inner + (revoked() != null ? " (revoked)" : "");
  }
}
