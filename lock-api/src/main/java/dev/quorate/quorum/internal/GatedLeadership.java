package dev.quorate.quorum.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipEnd;
import dev.quorate.lock.LeadershipListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.spi.SerialExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A leadership seen through the quorum gate: it ends when the inner one ends, or LOST at once when
 * quorum is lost under STOP (checked on every look, as {@link GatedLease} does), resigning the
 * inner leadership so that another, quorate member can be elected. Its end is heard once.
 */
final class GatedLeadership implements Leadership, Revocable {
  private final GatedLockManager gate;
  private final Leadership inner;
  private final SerialExecutor queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<LeadershipListener> listeners = new ArrayList<>();
  private LeadershipEnd ended;

  GatedLeadership(GatedLockManager gate, Leadership inner, Executor events) {
    this.gate = gate;
    this.inner = inner;
    this.queue = new SerialExecutor(events);
    inner.addListener(end -> end(end.state(), end.cause()));
  }

  private void end(LeaseState state, String cause) {
    lock.lock();
    try {
      if (ended != null) {
        return;
      }
      LeadershipEnd end = new LeadershipEnd(this, state, cause);
      ended = end;
      List<LeadershipListener> audience = List.copyOf(listeners);
      listeners.clear();
      if (!audience.isEmpty()) {
        queue.execute(() -> audience.forEach(listener -> listener.onEnd(end)));
      }
    } finally {
      lock.unlock();
    }
    inner.resign(); // no-op when the inner leadership ended first
    gate.forget(this);
  }

  @Override
  public void revoke(String cause) {
    end(LeaseState.LOST, cause);
  }

  @Override
  public String election() {
    return inner.election();
  }

  @Override
  public Leader leader() {
    return inner.leader();
  }

  @Override
  public FencingToken token() {
    return inner.token();
  }

  @Override
  public LeaseState state() {
    if (gate.mustRevoke()) {
      revoke("quorum lost");
    }
    lock.lock();
    try {
      return ended == null ? LeaseState.GRANTED : ended.state();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void checkValid() {
    LeaseState now = state();
    if (now != LeaseState.GRANTED) {
      throw new LeaseLostException(
          now == LeaseState.LOST ? ErrorCode.LEASE_LOST : ErrorCode.LEASE_RELEASED,
          this + " is over (" + now + ")");
    }
  }

  @Override
  public void addListener(LeadershipListener listener) {
    Objects.requireNonNull(listener, "listener");
    lock.lock();
    try {
      if (ended == null) {
        listeners.add(listener);
        return;
      }
      LeadershipEnd end = ended;
      queue.execute(() -> listener.onEnd(end));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void removeListener(LeadershipListener listener) {
    lock.lock();
    try {
      listeners.remove(listener);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resign() {
    end(LeaseState.RELEASED, "resigned");
  }

  @Override
  public void close() {
    resign();
  }

  @Override
  public String toString() {
    return "QuorumGate." + inner;
  }
}
