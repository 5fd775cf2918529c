package dev.quorate.quorum.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.PermitEvent;
import dev.quorate.lock.PermitListener;
import dev.quorate.lock.spi.PermitStates;
import java.util.concurrent.Executor;

/**
 * A semaphore permit seen through the quorum gate: the inner permit's states, unless quorum was
 * lost under STOP, which makes it LOST at once (checked on every look, as {@link GatedLease} does)
 * and gives the inner permit back. Its own {@link PermitStates} makes every transition heard once.
 */
final class GatedPermit implements Permit, Revocable {
  private final GatedLockManager gate;
  private final Permit inner;
  private final PermitStates states;

  GatedPermit(GatedLockManager gate, Permit inner, Executor events) {
    this.gate = gate;
    this.inner = inner;
    this.states = new PermitStates(this, events);
    inner.addListener(this::forward);
    // Looked at after adding the listener: an end in between is seen here or heard there.
    LeaseState now = inner.state();
    if (now.isFinal()) {
      end(now, "permit " + now + " before the quorum gate saw it");
    }
  }

  private void forward(PermitEvent event) {
    if (event.to().isFinal()) {
      end(event.to(), event.cause());
    } else {
      states.move(event.from(), event.to(), event.cause());
    }
  }

  private void end(LeaseState state, String cause) {
    if (states.move(null, state, cause)) {
      inner.release(); // no-op when the inner permit ended first
      gate.forget(this);
    }
  }

  @Override
  public void revoke(String cause) {
    end(LeaseState.LOST, cause);
  }

  @Override
  public String semaphore() {
    return inner.semaphore();
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
    LeaseState own = states.get();
    if (own.isFinal()) {
      return own;
    }
    // Asked on every look: the inner permit's listener hears a change later, on the event thread.
    LeaseState now = inner.state();
    if (now.isFinal()) {
      end(now, "permit " + now);
      return states.get();
    }
    return now;
  }

  @Override
  public void checkValid() {
    LeaseState now = state();
    if (now == LeaseState.SUSPECT) {
      throw new LeaseLostException(ErrorCode.LEASE_SUSPECT, this + " is " + now);
    }
    states.checkValid(toString());
  }

  @Override
  public void addListener(PermitListener listener) {
    states.add(listener);
  }

  @Override
  public void removeListener(PermitListener listener) {
    states.remove(listener);
  }

  @Override
  public void release() {
    end(LeaseState.RELEASED, "released");
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "QuorumGate." + inner;
  }
}
