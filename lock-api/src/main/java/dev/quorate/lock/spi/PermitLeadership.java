package dev.quorate.lock.spi;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipEnd;
import dev.quorate.lock.LeadershipListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A leadership held as the one permit of a seat. It ends at the permit's first state that is not
 * GRANTED, SUSPECT included, and then returns the permit: a suspended connection may be followed by
 * the session's expiry and another candidate's election, and a leader must not be leading then.
 */
final class PermitLeadership implements Leadership {
  private final String election;
  private final Leader leader;
  private final Permit permit;
  private final SerialExecutor queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<LeadershipListener> listeners = new ArrayList<>();
  private LeadershipEnd ended;

  PermitLeadership(String election, Leader leader, Permit permit, Executor events) {
    this.election = election;
    this.leader = leader;
    this.permit = permit;
    this.queue = new SerialExecutor(events);
    permit.addListener(
        event -> {
          if (event.to() != LeaseState.GRANTED) {
            end(LeaseState.LOST, event.cause());
          }
        });
    // Looked at after adding the listener: a change in between is seen here or heard there.
    if (permit.state() != LeaseState.GRANTED) {
      end(LeaseState.LOST, "permit " + permit.state() + " before the leadership began");
    }
  }

  @Override
  public String election() {
    return election;
  }

  @Override
  public Leader leader() {
    return leader;
  }

  @Override
  public FencingToken token() {
    return leader.epoch();
  }

  @Override
  public LeaseState state() {
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

  private void end(LeaseState state, String cause) {
    LeadershipEnd end;
    List<LeadershipListener> audience;
    lock.lock();
    try {
      if (ended != null) {
        return;
      }
      end = new LeadershipEnd(this, state, cause);
      ended = end;
      audience = List.copyOf(listeners);
      listeners.clear();
      if (!audience.isEmpty()) {
        queue.execute(() -> audience.forEach(listener -> listener.onEnd(end)));
      }
    } finally {
      lock.unlock();
    }
    permit.release();
  }

  @Override
  public void close() {
    resign();
  }

  @Override
  public String toString() {
    return "leadership of "
        + leader.candidate()
        + " in election '"
        + election
        + "' (epoch "
        + leader.epoch()
        + ")";
  }
}
