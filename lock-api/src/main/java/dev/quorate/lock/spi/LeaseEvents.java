package dev.quorate.lock.spi;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One lease's listeners and the serial queue that delivers its transitions and blocking callbacks:
 * each exactly once, in the order they were emitted, never on the emitting thread. Emit under the
 * lock that orders the lease's transitions.
 */
public final class LeaseEvents {
  private final Lease lease;
  private final Executor executor;

  /** Made on the first delivery: most leases have no listener and never deliver anything. */
  private SerialExecutor queue;

  /** Copied on write, under {@code this}; most leases keep the shared empty list. */
  private volatile List<LeaseListener> listeners;

  /**
   * Creates the channel.
   *
   * @param lease the lease the events are about
   * @param executor the threads that deliver
   */
  public LeaseEvents(Lease lease, Executor executor) {
    this(lease, executor, List.of());
  }

  /**
   * Creates the channel with listeners that hear every transition of the lease.
   *
   * @param lease the lease the events are about
   * @param executor the threads that deliver
   * @param listeners listeners given when the lease was asked for
   */
  public LeaseEvents(Lease lease, Executor executor, List<LeaseListener> listeners) {
    this.lease = lease;
    this.executor = executor;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Adds a listener for the transitions emitted from now on.
   *
   * @param listener the listener
   */
  public synchronized void add(LeaseListener listener) {
    Objects.requireNonNull(listener, "listener");
    List<LeaseListener> more = new ArrayList<>(listeners);
    more.add(listener);
    listeners = List.copyOf(more);
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   */
  public synchronized void remove(LeaseListener listener) {
    List<LeaseListener> fewer = new ArrayList<>(listeners);
    fewer.remove(listener);
    listeners = List.copyOf(fewer);
  }

  /**
   * Queues a transition for the listeners registered now; a listener added later does not hear it.
   *
   * @param from the state before
   * @param to the state after
   * @param cause why
   */
  public void emit(LeaseState from, LeaseState to, String cause) {
    List<LeaseListener> audience = listeners;
    if (audience.isEmpty()) {
      return; // spare a thread the wake-up
    }
    LeaseEvent event = new LeaseEvent(lease, from, to, cause);
    queue()
        .execute(
            () -> {
              for (LeaseListener listener : audience) {
                listener.onTransition(event);
              }
            });
  }

  /**
   * Queues a blocking callback, in order with the transitions.
   *
   * @param callback the holder's callback
   * @param requested the mode that waits
   */
  public void blocking(BlockingCallback callback, LockMode requested) {
    queue().execute(() -> callback.onBlocking(lease, requested));
  }

  private synchronized SerialExecutor queue() {
    if (queue == null) {
      queue = new SerialExecutor(executor);
    }
    return queue;
  }
}
