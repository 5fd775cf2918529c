package dev.quorate.quorum;

/**
 * What a member does when its partition loses quorum. In every case {@link
 * QuorumService#grantsAllowed()} turns false, so lock managers refuse new grants; the policies
 * differ in what happens to leases already held.
 *
 * <pre>{@code
 * QuorumService service = QuorumService.builder(policy, MemberId.of(1))
 *     .noQuorumPolicy(NoQuorumPolicy.SELF_FENCE)
 *     .selfFence((reason, detail) -> watchdog.stopPetting())
 *     .build();
 * }</pre>
 */
public enum NoQuorumPolicy {
  /**
   * Refuse new leases and revoke held ones: {@link QuorumEvent#revokeHeldLeases()} is true on the
   * loss event, and lock managers listening to the service end their leases. The safe default.
   */
  STOP,
  /**
   * Refuse new leases but keep held ones: work already granted in this partition goes on, nothing
   * new starts (Pacemaker's no-quorum-policy=freeze). Safe only when the resources are fenced by
   * tokens or the other side cannot reach them.
   */
  FREEZE,
  /**
   * Refuse new leases and call the {@link SelfFence} callback once per loss of quorum, so the
   * member takes itself out (reboot, stop a watchdog) before others fence it.
   */
  SELF_FENCE
}
