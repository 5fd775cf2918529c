package dev.quorate.lock;

/**
 * Receives the state transitions of a {@link Permit}, each exactly once, in order, one at a time,
 * on a thread of the lock manager. Must not block for long.
 *
 * <pre>{@code
 * permit.addListener(event -> log.info("permit {} is {}", event.permit().token(), event.to()));
 * }</pre>
 */
@FunctionalInterface
public interface PermitListener {
  /**
   * Called once per transition.
   *
   * @param event the transition
   */
  void onTransition(PermitEvent event);
}
