package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import dev.quorate.quorum.VoteSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One row of the guard's decision table: a cluster layout (members on hosts, policy, quorum disk),
 * the partition the requester sees, one proposed level, and the expected decision. The quorum state
 * is computed by the real {@link QuorumPolicy}: first with every member present (so the
 * tie-breakers have a last quorate membership), then with the partition.
 */
final class GuardScenario {
  static final long NOW = 500_000_000_000L;

  private final String name;
  private final Map<String, Integer> ids = new LinkedHashMap<>();
  private final Map<String, String> hosts = new LinkedHashMap<>();
  private final Topology.Builder topology = Topology.builder();
  private final Map<String, Long> heartbeats = new LinkedHashMap<>();
  private Consumer<QuorumPolicy.Builder> policyOptions = b -> {};
  private Consumer<TopologyFenceGuardBuilder> guardOptions = g -> {};
  private int diskVotes;
  private String diskMaster;
  private List<String> present = List.of();
  private String requester;
  private String target;
  private FenceScope scope = FenceScope.VM;
  private FenceAction action = FenceAction.OFF;
  private String proxyHost;
  private FenceReason expected;
  private Set<String> expectedCollateral = Set.of();
  private List<String> expectedExplanation = List.of();
  private HostInventory inventory;
  private boolean dedicatedHosts = true;
  private String deviceHost;
  private Map<String, String> livePlacement;

  private GuardScenario(String name) {
    this.name = name;
  }

  static GuardScenario scenario(String name) {
    return new GuardScenario(name);
  }

  GuardScenario member(String member, String host) {
    return member(member, 1, host);
  }

  GuardScenario member(String member, int votes, String host) {
    int id = ids.size() + 1;
    ids.put(member, id);
    hosts.put(member, host);
    topology.member(id, votes, host);
    return this;
  }

  GuardScenario policy(Consumer<QuorumPolicy.Builder> options) {
    this.policyOptions = policyOptions.andThen(options);
    return this;
  }

  GuardScenario twoNode() {
    return policy(b -> b.twoNode(true));
  }

  GuardScenario guard(Consumer<TopologyFenceGuardBuilder> options) {
    this.guardOptions = guardOptions.andThen(options);
    return this;
  }

  GuardScenario allowCollateral() {
    return guard(g -> g.allowCollateral(true));
  }

  /** A quorum disk whose votes go to the partition holding {@code master}. */
  GuardScenario quorumDisk(int votes, String master) {
    this.diskVotes = votes;
    this.diskMaster = master;
    return this;
  }

  /**
   * This cluster ("cluster-1") shares its hosts with other clusters, published in {@code
   * inventory}; without this call the hosts are declared dedicated.
   */
  GuardScenario inventory(HostInventory inventory) {
    this.inventory = inventory;
    this.dedicatedHosts = false;
    return this;
  }

  /** Neither an inventory nor dedicated hosts: the guard cannot know who else runs on a host. */
  GuardScenario noInventory() {
    this.inventory = null;
    this.dedicatedHosts = false;
    return this;
  }

  /** The host-level device powers {@code host} (by default the target's host in the layout). */
  GuardScenario deviceHost(String host) {
    this.deviceHost = host;
    return this;
  }

  /** Where members run now (a live placement after migrations), instead of the layout's hosts. */
  GuardScenario placement(Map<String, String> hostsNow) {
    this.livePlacement = Map.copyOf(hostsNow);
    return this;
  }

  /** The members in the requester's partition. */
  GuardScenario present(String... members) {
    this.present = List.of(members);
    return this;
  }

  /** A liveness source saw {@code member}'s heartbeat change {@code ago}. */
  GuardScenario heartbeat(String member, Duration ago) {
    heartbeats.put(member, NOW - ago.toNanos());
    return this;
  }

  GuardScenario fenceVm(String requester, String target) {
    return propose(requester, target, FenceScope.VM, FenceAction.OFF);
  }

  GuardScenario fenceHost(String requester, String target) {
    return propose(requester, target, FenceScope.HOST, FenceAction.REBOOT);
  }

  GuardScenario unfence(String requester, String target) {
    return propose(requester, target, FenceScope.HOST, FenceAction.ON);
  }

  private GuardScenario propose(String who, String whom, FenceScope s, FenceAction a) {
    this.requester = who;
    this.target = whom;
    this.scope = s;
    this.action = a;
    return this;
  }

  /** The host-level device acts through a proxy on {@code host}. */
  GuardScenario proxyOn(String host) {
    this.proxyHost = host;
    return this;
  }

  GuardScenario expect(FenceReason reason, String... collateral) {
    this.expected = reason;
    this.expectedCollateral = Set.of(collateral);
    return this;
  }

  /** The explanation must name each of these (members of other clusters, hosts, numbers). */
  GuardScenario explaining(String... parts) {
    this.expectedExplanation = List.of(parts);
    return this;
  }

  List<String> expectedExplanation() {
    return expectedExplanation;
  }

  FenceReason expectedReason() {
    return expected;
  }

  boolean expectedAllowed() {
    return expected.name().startsWith("ALLOWED");
  }

  Set<String> expectedCollateral() {
    return expectedCollateral;
  }

  /** The layout alone (members, votes, hosts, quorum disk), to count distinct topologies. */
  String layout() {
    return hosts.entrySet().stream()
            .map(e -> e.getKey() + "@" + e.getValue())
            .collect(Collectors.joining(","))
        + (diskVotes > 0 ? "+qdisk" + diskVotes : "");
  }

  QuorumPolicy buildPolicy() {
    QuorumPolicy.Builder b = QuorumPolicy.builder(topology.build());
    if (diskVotes > 0) {
      MemberId master = MemberId.of(ids.get(diskMaster));
      b.voteSource(VoteSource.toPartitionOf("qdisk", diskVotes, () -> Optional.of(master)));
    }
    policyOptions.accept(b);
    return b.build();
  }

  QuorumState stateOf(QuorumPolicy policy) {
    QuorumState all = policy.evaluate(policy.initialState(), seen(policy, ids.keySet()), 1);
    return policy.evaluate(all, seen(policy, present), 2);
  }

  private Membership seen(QuorumPolicy policy, Iterable<String> members) {
    SortedSet<MemberId> partition = new TreeSet<>();
    members.forEach(m -> partition.add(MemberId.of(ids.get(m))));
    Set<String> casting =
        policy.voteSources().values().stream()
            .filter(s -> s.castsVote(partition))
            .map(VoteSource::name)
            .collect(Collectors.toSet());
    return Membership.of(partition).withVoteSources(casting);
  }

  TopologyFenceGuard buildGuard(QuorumPolicy policy, QuorumState state) {
    TopologyFenceGuardBuilder g = TopologyFenceGuard.builder(policy, () -> state).clock(() -> NOW);
    ids.forEach(g::member);
    if (!heartbeats.isEmpty()) {
      Map<MemberId, Long> byId = new LinkedHashMap<>();
      heartbeats.forEach((m, t) -> byId.put(MemberId.of(ids.get(m)), t));
      g.livenessSource(
          id -> byId.containsKey(id) ? OptionalLong.of(byId.get(id)) : OptionalLong.empty());
    }
    if (proxyHost != null) {
      g.deviceProxy(deviceName(), proxyHost);
    }
    if (inventory != null) {
      g.inventory("cluster-1", inventory);
    } else if (dedicatedHosts) {
      g.dedicatedHosts();
    }
    if (livePlacement != null) {
      g.placement(PlacementSource.fixed(livePlacement, () -> NOW));
    }
    guardOptions.accept(g);
    return g.build();
  }

  FenceProposal proposal() {
    FenceDevice.Builder device =
        FenceDevice.builder(deviceName(), scope == FenceScope.VM ? "fence_virsh" : "fence_ipmilan")
            .scope(scope);
    if (scope == FenceScope.HOST) {
      device.hosts(poweredHost());
    }
    return new FenceProposal(
        FenceRequest.of(requester, target, action, "scenario: " + name),
        FenceLevel.of(scope == FenceScope.VM ? 1 : 2, deviceName()),
        new ArrayList<>(List.of(device.build())));
  }

  private String poweredHost() {
    return deviceHost != null ? deviceHost : hosts.getOrDefault(target, "x");
  }

  private String deviceName() {
    return scope == FenceScope.VM ? "vm-" + target : "power-" + poweredHost();
  }

  FenceDecision decide() {
    QuorumPolicy policy = buildPolicy();
    return buildGuard(policy, stateOf(policy)).decide(proposal());
  }

  /** Decides and checks the reason, the verdict, the collateral and the explanation's parts. */
  void assertDecision() {
    FenceDecision decision = decide();
    assertThat(decision.reason()).as(decision.explanation()).isEqualTo(expectedReason());
    assertThat(decision.allowed()).as(decision.explanation()).isEqualTo(expectedAllowed());
    assertThat(decision.collateral())
        .as(decision.explanation())
        .containsExactlyInAnyOrderElementsOf(expectedCollateral());
    assertThat(decision.explanation()).isNotBlank();
    for (String part : expectedExplanation) {
      assertThat(decision.explanation()).contains(part);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
