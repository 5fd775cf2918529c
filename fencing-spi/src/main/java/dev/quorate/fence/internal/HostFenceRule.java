package dev.quorate.fence.internal;

import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceProposal;
import dev.quorate.fence.FenceReason;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.TieBreaker;
import dev.quorate.quorum.TieContext;
import dev.quorate.quorum.Topology;
import dev.quorate.quorum.VoteSource;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The host-level part of the rule: power-cycling the target's host H removes every member on it,
 * K(H), at once. Allowed only if the requester and every proxy are off H, the survivors P minus
 * K(H) keep quorum (or win the tie-breaker at exactly half), and healthy members besides the target
 * on H are fenced only under an explicit allow-collateral policy.
 */
final class HostFenceRule {
  private final QuorumPolicy policy;
  private final Topology topology;
  private final MemberNames names;
  private final Map<String, String> proxies;
  private final TieBreaker tieBreaker;
  private final boolean allowCollateral;
  private final LivenessCheck liveness;

  HostFenceRule(GuardSettings settings, MemberNames names, LivenessCheck liveness) {
    this.policy = settings.policy();
    this.topology = policy.topology();
    this.names = names;
    this.proxies = settings.proxies();
    this.tieBreaker = settings.tieBreaker();
    this.allowCollateral = settings.allowCollateral();
    this.liveness = liveness;
  }

  FenceDecision decide(FenceProposal proposal, QuorumState state, Member requester, Member target) {
    String host = target.host();
    SortedSet<MemberId> onHost = topology.membersOn(host);
    if (requester.host().equals(host)) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_REQUESTER_ON_HOST,
          "the requester "
              + names.describe(requester)
              + " runs on "
              + host
              + ", the host to be power-cycled: it would fence itself");
    }
    for (FenceDevice device : proposal.devices()) {
      String proxy = proxies.get(device.name());
      if (host.equals(proxy)) {
        return FenceDecision.refuse(
            FenceReason.REFUSED_PROXY_ON_HOST,
            "device "
                + device.name()
                + " acts through a proxy on "
                + host
                + ", the host to be power-cycled: it would cut itself off mid-fence");
      }
    }
    SortedSet<MemberId> survivors = new TreeSet<>(state.members());
    survivors.removeAll(onHost);
    int memberVotes = topology.votesOf(survivors);
    int sourceVotes = sourceVotes(survivors);
    int votes = memberVotes + sourceVotes;
    int threshold = state.threshold();
    int expected = state.expectedVotes();
    String arithmetic =
        "power-cycling "
            + host
            + " takes "
            + names.describe(onHost)
            + "; the survivors "
            + names.describe(survivors)
            + " hold "
            + votes
            + (votes == 1 ? " vote" : " votes")
            + (sourceVotes > 0 ? " (" + sourceVotes + " from vote sources)" : "")
            + " of "
            + expected
            + " expected, threshold "
            + threshold;
    FenceReason allowedBy;
    String why;
    if (votes >= threshold) {
      allowedBy = FenceReason.ALLOWED_SURVIVORS_QUORATE;
      why = arithmetic;
    } else if (2L * votes == expected) {
      if (tieBreaker == null) {
        return FenceDecision.refuse(
            FenceReason.REFUSED_BY_TIE_BREAKER,
            arithmetic + ": exactly half, and no tie-breaker is configured to grant it");
      }
      TieContext tie =
          new TieContext(topology, survivors, state.members(), state.lastQuorateMembers());
      if (!tieBreaker.grants(tie)) {
        return FenceDecision.refuse(
            FenceReason.REFUSED_BY_TIE_BREAKER,
            arithmetic + ": exactly half, and tie-breaker " + tieBreaker + " does not grant it");
      }
      allowedBy = FenceReason.ALLOWED_BY_TIE_BREAKER;
      why = arithmetic + ": exactly half, granted by tie-breaker " + tieBreaker;
    } else {
      return FenceDecision.refuse(
          FenceReason.REFUSED_SURVIVORS_NOT_QUORATE,
          arithmetic + ": " + votes + " < " + threshold + "; fence the VM alone instead");
    }
    SortedSet<MemberId> others = new TreeSet<>(onHost);
    others.remove(target.id());
    SortedSet<MemberId> healthy = new TreeSet<>();
    for (MemberId other : others) {
      // Healthy: in our partition, or still heartbeating elsewhere (or we cannot tell).
      if (state.contains(other) || liveness.check(other).showsLife()) {
        healthy.add(other);
      }
    }
    if (!healthy.isEmpty() && !allowCollateral) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_COLLATERAL,
          why
              + "; but "
              + host
              + " also runs healthy members "
              + names.describe(healthy)
              + ", and allow-collateral is off");
    }
    String collateral =
        others.isEmpty() ? "" : "; collateral, fenced too: " + names.describe(others);
    return new FenceDecision(true, allowedBy, why + collateral, names.namesOf(others));
  }

  /** The vote sources' votes as votequorum would count them for the survivors' partition. */
  private int sourceVotes(SortedSet<MemberId> survivors) {
    int votes = 0;
    for (VoteSource source : policy.voteSources().values()) {
      if (source.castsVote(survivors)) {
        votes += source.votes();
      }
    }
    return votes;
  }
}
