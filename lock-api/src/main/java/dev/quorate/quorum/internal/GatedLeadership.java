package dev.quorate.quorum.internal;

import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.spi.HeldLeadership;
import java.util.concurrent.Executor;

/**
 * A leadership seen through the quorum gate: it ends when the inner one ends, or LOST at once when
 * quorum is lost under STOP (checked on every look, as {@link GatedLease} does), resigning the
 * inner leadership so that another, quorate member can be elected. Its end is heard once.
 */
final class GatedLeadership extends HeldLeadership implements Revocable {
  private final GatedLockManager gate;
  private final Leadership inner;

  GatedLeadership(GatedLockManager gate, Leadership inner, Executor events) {
    super(inner.election(), inner.leader(), events);
    this.gate = gate;
    this.inner = inner;
    inner.addListener(end -> end(end.state(), end.cause()));
  }

  @Override
  public void revoke(String cause) {
    end(LeaseState.LOST, cause);
  }

  @Override
  protected void look() {
    if (gate.mustRevoke()) {
      revoke("quorum lost");
    }
    // The inner leadership's listener hears its end later, on the event thread.
    LeaseState now = inner.state();
    if (now != LeaseState.GRANTED) {
      end(now, "leadership " + now);
    }
  }

  @Override
  protected void ended() {
    inner.resign(); // no-op when the inner leadership ended first
    gate.forget(this);
  }

  @Override
  public String toString() {
    return "QuorumGate." + inner;
  }
}
