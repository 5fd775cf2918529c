package dev.quorate.fence;

import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import java.util.List;
import java.util.function.Supplier;

/**
 * The topology-aware {@link FenceGuard}: it knows which members share a physical host, so it never
 * lets one power cycle cost the cluster its quorum. Let P be the requester's partition (it must be
 * quorate), K(H) the members on host H and Q the current quorum threshold. The guard decides each
 * level in this order, and the first rule that refuses gives the reason:
 *
 * <ol>
 *   <li>A usable quorum state must exist, and the requester and the target must be known members;
 *       the requester must be in P and P must be quorate. Otherwise it refuses: it never guesses.
 *   <li>An unfence (power on) is then allowed: it costs no votes.
 *   <li>Veto if the target still shows liveness on a {@link LivenessSource} (a fresh quorum-disk
 *       heartbeat or lease); brake if more than the configured share of hosts (default 50%, as
 *       oVirt) look dead at once, which is more likely the network than the hosts.
 *   <li>A VM-level action, the narrowest, is allowed.
 *   <li>Where members run is read from the {@link PlacementSource} as it is now (VMs migrate); a
 *       placement that cannot be read, or does not place the target, refuses. A device that
 *       declares its hosts ({@link FenceDevice#hosts}) must act on the host the target runs on now,
 *       or the level is refused ({@link FenceReason#REFUSED_DEVICE_WRONG_HOST}).
 *   <li>A host-level action powers the hosts H its devices declare, never the target's host by
 *       assumption. It is allowed only if the requester and every device's proxy are off H and
 *       votes(P minus K(H)) &gt;= Q; at exactly half of the expected votes only if the tie-breaker
 *       grants it to the survivors. If K(H) holds healthy members besides the target, it also needs
 *       {@link TopologyFenceGuardBuilder#allowCollateral}; every other member of K(H) is reported
 *       as collateral.
 *   <li>K(H) is every occupant of H, of every cluster: the shared {@link HostInventory} names the
 *       members of other clusters on H. Healthy ones are refused ({@link
 *       FenceReason#REFUSED_FOREIGN_COLLATERAL}, naming each as {@code cluster/member (role,
 *       votes)}) unless {@link ForeignCollateral#ALLOW_IF_CLUSTERS_STAY_QUORATE} is set and each of
 *       their clusters keeps its quorum without them. No inventory (and no {@link
 *       TopologyFenceGuardBuilder#dedicatedHosts} declaration), an inventory that cannot be read,
 *       or one older than its bound refuses ({@link FenceReason#REFUSED_INVENTORY_UNAVAILABLE}).
 * </ol>
 *
 * <p>The fencer calls {@link #recheck} just before the level's agents run: the guard decides again
 * on fresh reads and refuses with {@link FenceReason#REFUSED_PLACEMENT_CHANGED} if a member (or
 * foreign occupant) the first decision relied on moved, or one arrived on H.
 *
 * <p>Example: members A and B run on H1, C on H2; A fails. Power-cycling H1 would leave C alone
 * with 1 vote against a threshold of 2, so the guard refuses it ({@link
 * FenceReason#REFUSED_SURVIVORS_NOT_QUORATE}); fencing A's VM through its hypervisor is allowed
 * ({@link FenceReason#ALLOWED_VM_LEVEL}). Every decision carries a reason code and an explanation
 * with the members, hosts and numbers, and is logged; refusals at WARN.
 *
 * <pre>{@code
 * TopologyFenceGuard guard =
 *     TopologyFenceGuard.builder(quorum.policy(), quorum::state)
 *         .member("node-a", 1)
 *         .member("node-b", 2)
 *         .member("node-c", 3)
 *         .livenessSource(qdisk)
 *         .placement(PlacementSource.command(List.of("/usr/local/bin/vm-placement"),
 *             Duration.ofSeconds(5)))
 *         .inventory("cluster-1", hostInventory)
 *         .build();
 * guard.warnings().forEach(operator::warn);
 * Fencer fencer = Fencer.builder(fenceTopology, FenceAgents.load(), guard).build();
 * }</pre>
 */
public interface TopologyFenceGuard extends FenceGuard {
  /**
   * Starts a guard over a quorum policy (its topology says which member runs on which host) and the
   * local member's current quorum state, such as {@code quorumService::state}.
   *
   * @param policy the quorum policy in force; two_node with both members on one host is already
   *     refused when it is built
   * @param quorumState supplies the requester's current state; asked once per decision, must not
   *     block
   * @return a new builder
   * @throws NullPointerException if an argument is null
   */
  static TopologyFenceGuardBuilder builder(QuorumPolicy policy, Supplier<QuorumState> quorumState) {
    return new TopologyFenceGuardBuilder(policy, quorumState);
  }

  /**
   * Returns the configuration-time warnings: each host whose loss alone costs quorum (from {@link
   * QuorumPolicy#warnings()}), and a missing liveness source. They were logged at build time.
   *
   * @return the warnings, empty if none
   */
  List<String> warnings();
}
