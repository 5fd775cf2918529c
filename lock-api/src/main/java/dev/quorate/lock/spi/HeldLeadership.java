package dev.quorate.lock.spi;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipEnd;
import dev.quorate.lock.LeadershipListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A won leadership over something it holds (a seat's permit, or another leadership): GRANTED until
 * its one end, the first of a resignation and what the subclass sees of the held thing, by its
 * events or by {@link #look()} on every look at the state. Every listener hears the end exactly
 * once, in a serial queue; one added after the end hears it at once. The held thing is given back
 * ({@link #ended()}) once, by the end that won.
 *
 * <pre>{@code
 * protected void look() {
 *   if (permit.state() != LeaseState.GRANTED) {
 *     end(LeaseState.LOST, "permit " + permit.state());
 *   }
 * }
 * }</pre>
 */
public abstract class HeldLeadership implements Leadership {
  private final String election;
  private final Leader leader;
  private final SerialExecutor queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<LeadershipListener> listeners = new ArrayList<>();
  private LeadershipEnd ended;

  /**
   * Starts GRANTED.
   *
   * @param election the election's name
   * @param leader the leader this leadership is: candidate, since, epoch
   * @param events where listeners run
   */
  protected HeldLeadership(String election, Leader leader, Executor events) {
    this.election = Objects.requireNonNull(election, "election");
    this.leader = Objects.requireNonNull(leader, "leader");
    this.queue = new SerialExecutor(events);
  }

  /**
   * Looks at the held thing and {@link #end ends} this leadership if it is over. Called on every
   * look at the state: the held thing's listener hears of its end later, on another thread, and a
   * leader must not go on leading meanwhile.
   */
  protected abstract void look();

  /** Gives the held thing back: called once, by the end that won (a no-op if it ended first). */
  protected abstract void ended();

  /**
   * Ends the leadership unless it has ended: queues the end for every listener, then gives the held
   * thing back.
   *
   * @param state LOST or RELEASED
   * @param cause why
   */
  protected final void end(LeaseState state, String cause) {
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
    ended();
  }

  @Override
  public final String election() {
    return election;
  }

  @Override
  public final Leader leader() {
    return leader;
  }

  @Override
  public final FencingToken token() {
    return leader.epoch();
  }

  @Override
  public final LeaseState state() {
    look();
    lock.lock();
    try {
      return ended == null ? LeaseState.GRANTED : ended.state();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public final void checkValid() {
    LeaseState now = state();
    if (now != LeaseState.GRANTED) {
      throw new LeaseLostException(
          now == LeaseState.LOST ? ErrorCode.LEASE_LOST : ErrorCode.LEASE_RELEASED,
          this + " is over (" + now + ")");
    }
  }

  @Override
  public final void addListener(LeadershipListener listener) {
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
  public final void removeListener(LeadershipListener listener) {
    lock.lock();
    try {
      listeners.remove(listener);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public final void resign() {
    end(LeaseState.RELEASED, "resigned");
  }

  @Override
  public final void close() {
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
