package dev.quorate.quorum;

import java.util.Objects;

/**
 * One change of a {@link QuorumService}'s state, as delivered to {@link QuorumListener}s.
 *
 * <pre>{@code
 * service.addListener(event -> {
 *   if (event.lostQuorum()) {
 *     log.warn("quorum lost (event {}): {}", event.sequence(), event.current());
 *   }
 * });
 * }</pre>
 *
 * @param sequence the change's number, from 1, increasing by 1 per change of this service
 * @param previous the state before
 * @param current the state after
 * @param noQuorumPolicy what the service's configuration says to do without quorum
 */
public record QuorumEvent(
    long sequence, QuorumState previous, QuorumState current, NoQuorumPolicy noQuorumPolicy) {
  /**
   * Validates the event.
   *
   * @param sequence the change's number, at least 1
   * @param previous the state before
   * @param current the state after
   * @param noQuorumPolicy the configured no-quorum policy
   * @throws NullPointerException if a state or the policy is null
   * @throws IllegalArgumentException if {@code sequence} is below 1
   */
  public QuorumEvent {
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(noQuorumPolicy, "noQuorumPolicy");
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be at least 1, got " + sequence);
    }
  }

  /**
   * Tells whether this change lost quorum.
   *
   * @return true if the partition was quorate before and is not now
   */
  public boolean lostQuorum() {
    return previous.quorate() && !current.quorate();
  }

  /**
   * Tells whether this change gained quorum.
   *
   * @return true if the partition was not quorate before and is now
   */
  public boolean gainedQuorum() {
    return !previous.quorate() && current.quorate();
  }

  /**
   * Tells lock managers to revoke the leases they hold: quorum was lost under {@link
   * NoQuorumPolicy#STOP}.
   *
   * @return true if held leases must end now
   */
  public boolean revokeHeldLeases() {
    return lostQuorum() && noQuorumPolicy == NoQuorumPolicy.STOP;
  }
}
