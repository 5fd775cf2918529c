package dev.quorate.quorum;

/**
 * Called by {@link QuorumService} under {@link NoQuorumPolicy#SELF_FENCE} when the local member's
 * partition loses quorum: take this member out before the quorate side fences it (reboot, stop
 * petting a watchdog, kill the workload).
 *
 * <p>Called once per loss, on the service's notifier, before the listeners of the same event. Never
 * called for a member that was never quorate (start-up without quorum is not a loss), which keeps a
 * rebooted member from fencing itself in a loop while it waits for the others.
 *
 * <pre>{@code
 * SelfFence reboot = event -> Runtime.getRuntime().halt(70);
 * }</pre>
 */
@FunctionalInterface
public interface SelfFence {
  /**
   * Fences the local member.
   *
   * @param event the loss of quorum that triggered it
   */
  void fence(QuorumEvent event);
}
