package dev.quorate.lock.spi;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.PermitEvent;
import dev.quorate.lock.PermitListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one owner of a permit's state: every transition goes through {@link #move}, which queues its
 * event under the same lock that changed the state, so listeners hear each transition once and in
 * the order it happened, whichever thread caused it.
 */
public final class PermitStates {
  private final Permit permit;
  private final SerialExecutor queue;
  private final List<PermitListener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private LeaseState state = LeaseState.GRANTED;

  /**
   * Starts GRANTED.
   *
   * @param permit the permit whose state this is
   * @param executor where listeners run
   */
  public PermitStates(Permit permit, Executor executor) {
    this.permit = permit;
    this.queue = new SerialExecutor(executor);
  }

  /**
   * Returns the current state.
   *
   * @return the state
   */
  public LeaseState get() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves to {@code to} if the permit is in {@code from} (or in any state that is not final when
   * {@code from} is null).
   *
   * @param from the state required, or null for any state that is not final
   * @param to the new state
   * @param cause why, for the event
   * @return true if the state changed
   */
  public boolean move(LeaseState from, LeaseState to, String cause) {
    lock.lock();
    try {
      if (state.isFinal() || state == to || (from != null && state != from)) {
        return false;
      }
      PermitEvent event = new PermitEvent(permit, state, to, cause);
      state = to;
      List<PermitListener> audience = List.copyOf(listeners);
      if (!audience.isEmpty()) {
        queue.execute(() -> audience.forEach(listener -> listener.onTransition(event)));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Throws unless GRANTED.
   *
   * @param what the permit, for the message
   * @throws LeaseLostException naming the state
   */
  public void checkValid(String what) {
    LeaseState now = get();
    ErrorCode code =
        switch (now) {
          case GRANTED -> null;
          case SUSPECT -> ErrorCode.LEASE_SUSPECT;
          case LOST -> ErrorCode.LEASE_LOST;
          case RELEASED -> ErrorCode.LEASE_RELEASED;
        };
    if (code != null) {
      throw new LeaseLostException(code, what + " is " + now);
    }
  }

  /**
   * Adds a listener for later transitions.
   *
   * @param listener the listener
   */
  public void add(PermitListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  public void remove(PermitListener listener) {
    listeners.remove(listener);
  }
}
