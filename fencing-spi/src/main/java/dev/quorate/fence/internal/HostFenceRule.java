package dev.quorate.fence.internal;

import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceProposal;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.Occupant;
import dev.quorate.fence.Placement;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.TieBreaker;
import dev.quorate.quorum.TieContext;
import dev.quorate.quorum.Topology;
import dev.quorate.quorum.VoteSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The host-level part of the rule: power-cycling the hosts H that the level's devices power removes
 * every member on them, K(H), at once, of this cluster and of every other. K(H) comes from the
 * placement as it is now and from the devices' declared hosts, never from the target's host by
 * assumption. Allowed only if the requester and every proxy are off H, the survivors P minus K(H)
 * keep quorum (or win the tie-breaker at exactly half), healthy members besides the target on H are
 * fenced only under an explicit allow-collateral policy, and healthy members of other clusters only
 * under the foreign-collateral policy.
 */
final class HostFenceRule {
  private final QuorumPolicy policy;
  private final Topology topology;
  private final MemberNames names;
  private final Map<String, String> proxies;
  private final TieBreaker tieBreaker;
  private final boolean allowCollateral;
  private final LivenessCheck liveness;
  private final ForeignOccupants foreignOccupants;

  HostFenceRule(GuardSettings settings, MemberNames names, LivenessCheck liveness) {
    this.foreignOccupants = new ForeignOccupants(settings);
    this.policy = settings.policy();
    this.topology = policy.topology();
    this.names = names;
    this.proxies = settings.proxies();
    this.tieBreaker = settings.tieBreaker();
    this.allowCollateral = settings.allowCollateral();
    this.liveness = liveness;
  }

  FenceDecision decide(
      FenceProposal proposal,
      QuorumState state,
      Member requester,
      Member target,
      Placement placement,
      DecisionReads reads) {
    String targetName = names.name(target.id());
    String requesterName = names.name(requester.id());
    Optional<String> unplaced =
        names.known().stream().filter(n -> placement.hostOf(n).isEmpty()).findFirst();
    if (unplaced.isPresent()) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_PLACEMENT_UNKNOWN,
          "the placement does not say where "
              + unplaced.get()
              + " runs, so who shares the host to be power-cycled is unknown");
    }
    SortedSet<String> hosts = poweredHosts(proposal.devices());
    Map<String, String> basis = new TreeMap<>();
    placement
        .hosts()
        .forEach(
            (member, host) -> {
              if (hosts.contains(host)
                  || member.equals(targetName)
                  || member.equals(requesterName)) {
                basis.put(member, host);
              }
            });
    String requesterHost = placement.hostOf(requesterName).orElseThrow();
    if (hosts.contains(requesterHost)) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_REQUESTER_ON_HOST,
          "the requester "
              + requesterName
              + " runs on "
              + requesterHost
              + ", which the level power-cycles ("
              + hosts
              + "): it would fence itself");
    }
    for (FenceDevice device : proposal.devices()) {
      String proxy = proxies.get(device.name());
      if (proxy != null && hosts.contains(proxy)) {
        return FenceDecision.refuse(
            FenceReason.REFUSED_PROXY_ON_HOST,
            "device "
                + device.name()
                + " acts through a proxy on "
                + proxy
                + ", which the level power-cycles: it would cut itself off mid-fence");
      }
    }
    SortedSet<MemberId> onHost = new TreeSet<>();
    placement.membersOn(hosts).forEach(n -> names.member(n).ifPresent(m -> onHost.add(m.id())));
    SortedSet<MemberId> survivors = new TreeSet<>(state.members());
    survivors.removeAll(onHost);
    int memberVotes = topology.votesOf(survivors);
    int sourceVotes = sourceVotes(survivors);
    int votes = memberVotes + sourceVotes;
    int threshold = state.threshold();
    int expected = state.expectedVotes();
    String arithmetic =
        "power-cycling "
            + String.join(", ", hosts)
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
      TieContext tie = TieContext.afterSplit(topology, state, survivors);
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
              + hosts
              + " also carry healthy members "
              + names.describe(healthy)
              + ", and allow-collateral is off");
    }
    ForeignOccupants.Verdict foreign = foreignOccupants.judge(hosts, why, reads);
    if (foreign.refusal().isPresent()) {
      return foreign.refusal().get();
    }
    Set<String> collateral = new TreeSet<>(names.namesOf(others));
    List<String> described = new ArrayList<>();
    others.forEach(id -> described.add(names.name(id)));
    for (Occupant occupant : foreign.collateral()) {
      collateral.add(occupant.qualifiedName());
      described.add(occupant.describe());
      basis.put(occupant.qualifiedName(), occupant.host());
    }
    String collateralText =
        described.isEmpty() ? "" : "; collateral, fenced too: " + String.join(", ", described);
    return new FenceDecision(true, allowedBy, why + collateralText, collateral, basis);
  }

  /** The hosts the level's host-level devices power: H, whose members all go down together. */
  static SortedSet<String> poweredHosts(List<FenceDevice> devices) {
    SortedSet<String> hosts = new TreeSet<>();
    for (FenceDevice device : devices) {
      if (device.scope() == FenceScope.HOST) {
        hosts.addAll(device.hosts());
      }
    }
    return hosts;
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
