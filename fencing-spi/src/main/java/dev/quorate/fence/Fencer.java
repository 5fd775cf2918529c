package dev.quorate.fence;

/**
 * Fences cluster members: for each request it waits the target's delay, then tries the target's
 * levels in order. Before a level's agents run, the {@link FenceGuard} decides; a refused level
 * runs nothing. A level succeeds when every device succeeds: an off is verified with a status, a
 * reboot over several devices is all off, verify, then all on (judged on the off phase). A failed
 * level is retried up to the maximum attempts, all inside the request's one deadline, then the next
 * level is tried. At most one host-level fence is in flight, a target is not fenced again within
 * its quiet time, and every decision and outcome goes to the {@link FenceHistory}.
 *
 * <pre>{@code
 * Fencer fencer =
 *     Fencer.builder(topology, FenceAgents.load(), guard)
 *         .history(FenceHistory.open(Path.of("/var/lib/quorate/fence-history.jsonl")))
 *         .deadline(Duration.ofMinutes(2))
 *         .maxAttempts(2)
 *         .build();
 * FenceResult result = fencer.fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "lost"));
 * }</pre>
 */
public interface Fencer {
  /**
   * Starts a builder.
   *
   * @param topology devices, levels and policies
   * @param agents where device agents are found
   * @param guard decides each level before it runs
   * @return a new builder
   */
  static FencerBuilder builder(FenceTopology topology, FenceAgents agents, FenceGuard guard) {
    return new FencerBuilder(topology, agents, guard);
  }

  /**
   * Fences (OFF, REBOOT) or unfences (ON) a target. Blocks for at most the target's delay plus the
   * deadline plus one agent kill.
   *
   * @param request the request
   * @return how it ended; refusals and failures are results, not exceptions
   * @throws InterruptedException if interrupted; a running agent is killed first
   * @throws dev.quorate.lock.ConfigurationException if the target has no level or a device's agent
   *     cannot be found
   * @throws dev.quorate.lock.QuorateException with IO_FAILURE if the history cannot be written
   */
  FenceResult fence(FenceRequest request) throws InterruptedException;

  /**
   * Records that an operator confirmed by hand that a target is down (powered off, unplugged, its
   * VM destroyed), as Pacemaker's {@code stonith_admin --confirm}: the answer when every agent
   * fails and the operator has made sure by other means. The record counts as a successful fence in
   * the history: a recovery gate waiting for the target opens, and the quiet time starts. A false
   * confirmation is exactly as dangerous as a wrong fence: confirm only what you have seen.
   *
   * @param target the member confirmed down
   * @param operator who confirms, recorded as the requester
   * @param reason what the operator checked, for the history
   * @return the record appended
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid or the target is not one
   *     of this fencer's targets
   * @throws dev.quorate.lock.QuorateException with IO_FAILURE if the history cannot be written
   */
  FenceRecord confirm(String target, String operator, String reason);

  /**
   * Returns the history this fencer writes.
   *
   * @return the history
   */
  FenceHistory history();
}
