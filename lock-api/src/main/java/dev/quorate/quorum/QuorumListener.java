package dev.quorate.quorum;

/**
 * Receives every change of a {@link QuorumService}'s state, exactly once and in order, on the
 * service's notifier, never while the service holds its own lock.
 *
 * <pre>{@code
 * service.addListener(event -> {
 *   if (event.revokeHeldLeases()) {
 *     lockManager.revokeAll("quorum lost: " + event.current().explanation());
 *   }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface QuorumListener {
  /**
   * Called for one change. Should return quickly; an exception is logged and does not stop delivery
   * to other listeners or of later events.
   *
   * @param event the change
   */
  void onChange(QuorumEvent event);
}
