package dev.quorate.fence.internal;

import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceProposal;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.InventoryView;
import dev.quorate.fence.Occupant;
import dev.quorate.fence.Placement;
import dev.quorate.fence.TopologyFenceGuard;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TopologyFenceGuard}: refuses what it cannot establish, then applies the liveness veto,
 * the storm brake, and the narrowest-action and survivors rules. Stateless apart from its
 * configuration, so it is thread-safe; every decision is logged, refusals at WARN.
 */
public final class TopologyGuard implements TopologyFenceGuard {
  private static final Logger log = LoggerFactory.getLogger(TopologyGuard.class);

  private final GuardSettings settings;
  private final Topology topology;
  private final MemberNames names;
  private final LivenessCheck liveness;
  private final StormBrake brake;
  private final HostFenceRule hostRule;
  private final List<String> warnings;

  /**
   * Creates the guard from validated settings and logs the configuration warnings; use {@link
   * TopologyFenceGuard#builder}.
   *
   * @param settings the validated settings
   */
  public TopologyGuard(GuardSettings settings) {
    this.settings = settings;
    this.topology = settings.policy().topology();
    this.names = new MemberNames(topology, settings.members());
    this.liveness =
        new LivenessCheck(
            settings.livenessSources(), settings.livenessWindow(), settings.nanoClock());
    this.brake = new StormBrake(topology, settings.stormBrakePercent());
    this.hostRule = new HostFenceRule(settings, names, liveness);
    List<String> all = new ArrayList<>(settings.policy().warnings(names::name));
    if (settings.inventory() == null && !settings.dedicatedHosts()) {
      all.add(
          "no host inventory is configured and the hosts are not declared dedicated: every"
              + " host-level fence is refused, because members of other clusters on the same hosts"
              + " would be invisible; configure inventory(cluster, inventory) or dedicatedHosts()");
    }
    if (!liveness.configured()) {
      all.add(
          "no liveness source is configured: the guard cannot veto fencing a member that"
              + " still heartbeats on shared storage");
    }
    this.warnings = List.copyOf(all);
    for (String warning : warnings) {
      log.warn("fence guard configuration: {}", warning);
    }
  }

  @Override
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public FenceDecision decide(FenceProposal proposal) {
    FenceDecision decision = decideQuietly(proposal, reads());
    FenceRequest request = proposal.request();
    String what = request.action().protocolName() + " of " + request.target();
    if (decision.allowed()) {
      log.info(
          "fence guard allows level {} ({}) {} by {}: {} {}",
          proposal.level().index(),
          proposal.scope(),
          what,
          request.requester(),
          decision.reason(),
          decision.explanation());
    } else {
      log.warn(
          "fence guard refuses level {} ({}) {} by {}: {} {}",
          proposal.level().index(),
          proposal.scope(),
          what,
          request.requester(),
          decision.reason(),
          decision.explanation());
    }
    return decision;
  }

  private DecisionReads reads() {
    return new DecisionReads(settings.placement(), settings.inventory());
  }

  /** Decides without logging: {@link #decide} logs a decision, the recheck only a withdrawal. */
  private FenceDecision decideQuietly(FenceProposal proposal, DecisionReads reads) {
    try {
      return evaluate(proposal, reads);
    } catch (RuntimeException e) {
      // A failing tie-breaker or vote source leaves the question open: refuse, and say why.
      return FenceDecision.refuse(
          FenceReason.REFUSED_GUARD_FAILED, "the guard could not decide: " + e);
    }
  }

  private FenceDecision evaluate(FenceProposal proposal, DecisionReads reads) {
    FenceRequest request = proposal.request();
    QuorumState state;
    try {
      state = settings.quorumState().get();
    } catch (RuntimeException e) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_NO_QUORUM_STATE, "the quorum state supplier failed: " + e);
    }
    if (state == null) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_NO_QUORUM_STATE, "no quorum state is available yet");
    }
    SortedSet<MemberId> strangers = new TreeSet<>(state.members());
    strangers.removeAll(topology.ids());
    if (!strangers.isEmpty()) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_NO_QUORUM_STATE,
          "the quorum state names members "
              + strangers
              + " that are not in the guard's topology "
              + topology.ids());
    }
    Optional<Member> requester = names.member(request.requester());
    Optional<Member> target = names.member(request.target());
    if (requester.isEmpty() || target.isEmpty()) {
      String unknown = requester.isEmpty() ? request.requester() : request.target();
      return FenceDecision.refuse(
          FenceReason.REFUSED_UNKNOWN_MEMBER,
          (requester.isEmpty() ? "requester '" : "target '")
              + unknown
              + "' is not a member the guard knows; known: "
              + names.known());
    }
    return evaluate(proposal, state, requester.get(), target.get(), reads);
  }

  private FenceDecision evaluate(
      FenceProposal proposal,
      QuorumState state,
      Member requester,
      Member target,
      DecisionReads reads) {
    if (!state.contains(requester.id())) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_NOT_QUORATE,
          "the requester "
              + names.describe(requester)
              + " is not in the current partition "
              + names.describe(state.members()));
    }
    if (!state.quorate()) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_NOT_QUORATE,
          "the requester's partition "
              + names.describe(state.members())
              + " is not quorate ("
              + state.reason()
              + ": "
              + state.explanation()
              + ")");
    }
    if (!proposal.request().cutsPower()) {
      return FenceDecision.allow(
          FenceReason.ALLOWED_UNFENCE,
          "unfencing " + names.describe(target) + " from a quorate partition costs no votes");
    }
    LivenessCheck.Verdict life = liveness.check(target.id());
    if (life.status() == LivenessCheck.Status.ALIVE) {
      return FenceDecision.refuse(
          FenceReason.VETO_TARGET_ALIVE,
          "the target " + names.describe(target) + " still shows liveness: " + life.detail());
    }
    if (life.status() == LivenessCheck.Status.UNKNOWN) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_LIVENESS_UNKNOWN,
          "cannot tell whether " + names.describe(target) + " still lives: " + life.detail());
    }
    Optional<String> braking = brake.brake(state.members(), reads.placementIfReadable(), names);
    if (braking.isPresent()) {
      return FenceDecision.refuse(FenceReason.BRAKE_FENCE_STORM, braking.get());
    }
    boolean needsPlacement =
        proposal.scope() == FenceScope.HOST
            || proposal.devices().stream().anyMatch(d -> !d.hosts().isEmpty());
    if (!needsPlacement) {
      return FenceDecision.allow(
          FenceReason.ALLOWED_VM_LEVEL,
          "fences only the VM of "
              + names.describe(target)
              + " through its hypervisor; no other member is touched");
    }
    Placement placement;
    try {
      placement = reads.placement();
    } catch (RuntimeException e) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_PLACEMENT_UNKNOWN,
          "the placement source " + reads.placementName() + " cannot be read: " + e);
    }
    String targetName = names.name(target.id());
    Optional<String> targetHost = placement.hostOf(targetName);
    if (targetHost.isEmpty()) {
      return FenceDecision.refuse(
          FenceReason.REFUSED_PLACEMENT_UNKNOWN,
          "the placement source " + settings.placement().name() + " does not place " + targetName);
    }
    for (FenceDevice device : proposal.devices()) {
      if (!device.hosts().isEmpty() && !device.hosts().contains(targetHost.get())) {
        return FenceDecision.refuse(
            FenceReason.REFUSED_DEVICE_WRONG_HOST,
            "device "
                + device.name()
                + " acts on "
                + device.hosts()
                + ", but "
                + targetName
                + " runs on "
                + targetHost.get()
                + " now");
      }
    }
    if (proposal.scope() == FenceScope.VM) {
      return new FenceDecision(
          true,
          FenceReason.ALLOWED_VM_LEVEL,
          "fences only the VM of "
              + targetName
              + " on "
              + targetHost.get()
              + " through its hypervisor; no other member is touched",
          java.util.Set.of(),
          java.util.Map.of(targetName, targetHost.get()));
    }
    return hostRule.decide(proposal, state, requester, target, placement, reads);
  }

  @Override
  public FenceDecision recheck(FenceProposal proposal, FenceDecision allowed) {
    DecisionReads reads = reads();
    FenceDecision now = decideQuietly(proposal, reads);
    SortedSet<String> moved =
        allowed.placement().isEmpty()
            ? new TreeSet<>()
            : moves(proposal, allowed.placement(), reads);
    FenceDecision result;
    if (moved.isEmpty()) {
      // Nothing the first decision relied on moved: the new decision stands, whatever it says
      // (a quorum lost or an inventory gone stale meanwhile refuses with its own reason).
      result = now;
    } else {
      result =
          FenceDecision.refuse(
              FenceReason.REFUSED_PLACEMENT_CHANGED,
              "the placement moved between the decision and the agent: "
                  + String.join(", ", moved)
                  + (now.allowed()
                      ? "; the level no longer does what was decided"
                      : "; decided again: " + now.reason() + " " + now.explanation()));
    }
    if (!result.allowed()) {
      // The decision was logged when it was made; only its withdrawal is news.
      log.warn(
          "fence guard withdraws its decision for {}: {} {}",
          proposal.request().target(),
          result.reason(),
          result.explanation());
    }
    return result;
  }

  /**
   * What moved since the first decision: every member (or foreign occupant) it relied on that now
   * runs elsewhere or is no longer placed, and every member or occupant that arrived on a host the
   * level power-cycles. A source that cannot be read now shows no move here; the new decision
   * already refuses on it.
   */
  private SortedSet<String> moves(
      FenceProposal proposal, Map<String, String> relied, DecisionReads reads) {
    SortedSet<String> moved = new TreeSet<>();
    Set<String> powered = HostFenceRule.poweredHosts(proposal.devices());
    Optional<Placement> placement = reads.placementIfReadable();
    Optional<InventoryView> view =
        relied.keySet().stream().anyMatch(k -> k.contains("/")) || !powered.isEmpty()
            ? reads.inventoryIfReadable()
            : Optional.empty();
    relied.forEach(
        (who, was) -> {
          Optional<String> is;
          if (who.contains("/")) {
            if (view.isEmpty()) {
              return;
            }
            is =
                view.get().occupants().stream()
                    .filter(o -> o.qualifiedName().equals(who))
                    .map(Occupant::host)
                    .findFirst();
          } else {
            if (placement.isEmpty()) {
              return;
            }
            is = placement.get().hostOf(who);
          }
          if (!is.equals(Optional.of(was))) {
            moved.add(who + " " + was + " -> " + is.orElse("(not placed)"));
          }
        });
    placement.ifPresent(
        p ->
            p.membersOn(powered).stream()
                .filter(m -> names.member(m).isPresent() && !relied.containsKey(m))
                .forEach(m -> moved.add(m + " -> " + p.hostOf(m).orElseThrow())));
    view.ifPresent(
        v ->
            v.occupantsOn(powered).stream()
                .filter(o -> !o.cluster().equals(settings.cluster()))
                .filter(o -> !relied.containsKey(o.qualifiedName()))
                .forEach(o -> moved.add(o.qualifiedName() + " -> " + o.host())));
    return moved;
  }

  @Override
  public void check(FenceTopology fenceTopology) {
    Placement placement;
    try {
      placement = reads().placement();
    } catch (RuntimeException e) {
      // Not a configuration error: every decision reads the placement again and refuses a device
      // that powers another host than its target's (REFUSED_DEVICE_WRONG_HOST).
      log.warn(
          "fence guard cannot check the fence topology's host-level devices against the placement"
              + " now ({}): {}; each decision checks them",
          settings.placement().name(),
          e.toString());
      return;
    }
    for (String member : names.known()) {
      Optional<String> host = placement.hostOf(member);
      for (FenceLevel level : fenceTopology.levels(member)) {
        for (FenceDevice device : fenceTopology.devices(level)) {
          if (device.scope() == FenceScope.HOST
              && host.isPresent()
              && !device.hosts().contains(host.get())) {
            throw new dev.quorate.lock.ConfigurationException(
                "fence level "
                    + level.index()
                    + " of "
                    + member
                    + " uses host-level device "
                    + device.name()
                    + ", which powers "
                    + device.hosts()
                    + ", but "
                    + member
                    + " runs on "
                    + host.get()
                    + ": the level would power-cycle the wrong host");
          }
        }
      }
    }
  }
}
