/**
 * Quorum: who may act when the cluster splits. Votes, expected votes, thresholds and the corosync
 * votequorum options (wait_for_all, two_node, last_man_standing, auto_tie_breaker), as pure
 * functions, and a service that publishes every change.
 *
 * <p>Describe the cluster with a {@link dev.quorate.quorum.Topology} (members, votes, the physical
 * host each runs on), choose the rules with a {@link dev.quorate.quorum.QuorumPolicy}, and feed
 * memberships to a {@link dev.quorate.quorum.QuorumService}. Its {@link
 * dev.quorate.quorum.QuorumState} says whether the local partition is quorate and why. Votes from
 * outside the members come from a {@link dev.quorate.quorum.VoteSource} (the quorum disk), exact
 * halves are decided by a {@link dev.quorate.quorum.TieBreaker}.
 *
 * <pre>{@code
 * Topology topology = Topology.builder()
 *     .member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").member(4, 1, "hv-4")
 *     .build();
 * QuorumPolicy policy = QuorumPolicy.builder(topology)
 *     .autoTieBreaker(TieBreaker.lowest())
 *     .build();
 * try (QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build()) {
 *   quorum.update(Set.of(MemberId.of(1), MemberId.of(2), MemberId.of(3), MemberId.of(4)));
 *   quorum.update(Set.of(MemberId.of(1), MemberId.of(2))); // a 2:2 split
 *   assert quorum.state().quorate(); // this half holds member 1, the lowest id
 * }
 * }</pre>
 */
package dev.quorate.quorum;
