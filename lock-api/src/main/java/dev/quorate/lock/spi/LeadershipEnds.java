package dev.quorate.lock.spi;

import dev.quorate.lock.ErrorCode;
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
 * The one owner of a leadership's state: GRANTED until its one end, which every listener hears
 * exactly once, in a serial queue; a listener added after the end hears it at once.
 */
public final class LeadershipEnds {
  private final Leadership leadership;
  private final SerialExecutor queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<LeadershipListener> listeners = new ArrayList<>();
  private LeadershipEnd ended;

  /**
   * Starts GRANTED.
   *
   * @param leadership the leadership whose end this is
   * @param events where listeners run
   */
  public LeadershipEnds(Leadership leadership, Executor events) {
    this.leadership = leadership;
    this.queue = new SerialExecutor(events);
  }

  /**
   * Returns GRANTED, or the state the leadership ended in.
   *
   * @return the state
   */
  public LeaseState state() {
    lock.lock();
    try {
      return ended == null ? LeaseState.GRANTED : ended.state();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Throws unless {@code now} is GRANTED.
   *
   * @param now the state, as the leadership reports it
   * @throws LeaseLostException naming the state
   */
  public void checkValid(LeaseState now) {
    if (now != LeaseState.GRANTED) {
      throw new LeaseLostException(
          now == LeaseState.LOST ? ErrorCode.LEASE_LOST : ErrorCode.LEASE_RELEASED,
          leadership + " is over (" + now + ")");
    }
  }

  /**
   * Adds a listener; after the end, it hears the end at once.
   *
   * @param listener the listener
   */
  public void add(LeadershipListener listener) {
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

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  public void remove(LeadershipListener listener) {
    lock.lock();
    try {
      listeners.remove(listener);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the leadership unless it has ended, and queues the end for every listener.
   *
   * @param state LOST or RELEASED
   * @param cause why
   * @return true if this call ended it: the caller then gives back what it held
   */
  public boolean end(LeaseState state, String cause) {
    lock.lock();
    try {
      if (ended != null) {
        return false;
      }
      LeadershipEnd end = new LeadershipEnd(leadership, state, cause);
      ended = end;
      List<LeadershipListener> audience = List.copyOf(listeners);
      listeners.clear();
      if (!audience.isEmpty()) {
        queue.execute(() -> audience.forEach(listener -> listener.onEnd(end)));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
