package dev.quorate.lock;

/**
 * Receives the state transitions of a lease. Each transition that happens after the listener was
 * added is delivered exactly once, in the order the transitions happened, one at a time, on a
 * thread of the lock manager (never the caller's). A listener must not block for long: it delays
 * the lease's later events.
 *
 * <pre>{@code
 * lease.addListener(event -> {
 *   if (event.to() != LeaseState.GRANTED) {
 *     writer.pause();
 *   }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface LeaseListener {
  /**
   * Called once per transition.
   *
   * @param event the transition
   */
  void onTransition(LeaseEvent event);
}
