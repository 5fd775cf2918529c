package dev.quorate.quorum.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipListener;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.spi.LeadershipEnds;
import java.util.concurrent.Executor;

/**
 * A leadership seen through the quorum gate: it ends when the inner one ends, or LOST at once when
 * quorum is lost under STOP (checked on every look, as {@link GatedLease} does), resigning the
 * inner leadership so that another, quorate member can be elected. Its end is heard once.
 */
final class GatedLeadership implements Leadership, Revocable {
  private final GatedLockManager gate;
  private final Leadership inner;
  private final LeadershipEnds ends;

  GatedLeadership(GatedLockManager gate, Leadership inner, Executor events) {
    this.gate = gate;
    this.inner = inner;
    this.ends = new LeadershipEnds(this, events);
    inner.addListener(end -> end(end.state(), end.cause()));
  }

  private void end(LeaseState state, String cause) {
    if (ends.end(state, cause)) {
      inner.resign(); // no-op when the inner leadership ended first
      gate.forget(this);
    }
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
    // Asked on every look: the inner leadership's listener hears its end later.
    LeaseState now = inner.state();
    if (now != LeaseState.GRANTED) {
      end(now, "leadership " + now);
    }
    return ends.state();
  }

  @Override
  public void checkValid() {
    ends.checkValid(state());
  }

  @Override
  public void addListener(LeadershipListener listener) {
    ends.add(listener);
  }

  @Override
  public void removeListener(LeadershipListener listener) {
    ends.remove(listener);
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
