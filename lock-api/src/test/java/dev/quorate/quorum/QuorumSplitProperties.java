package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Split-brain safety over random topologies and policies: whatever the options, at most one side of
 * any sequence of splits is quorate, except both halves of a two_node split (the documented fence
 * race).
 */
class QuorumSplitProperties {

  /** A policy's options, drawn at random; invalid combinations are skipped, not tested. */
  record Options(boolean waitForAll, boolean twoNode, boolean lastManStanding, int breaker) {}

  @Property(tries = 300)
  void neverTwoQuorateSidesAfterSplits(
      @ForAll("topologies") Topology topology,
      @ForAll("options") Options options,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1_000_000) Integer> splitSeeds,
      @ForAll @IntRange(min = 0, max = 30) int secondsBetweenSplits) {
    QuorumPolicy policy = build(topology, options);
    Assume.that(policy != null);

    long now = 0;
    List<QuorumState> partitions = new ArrayList<>();
    partitions.add(policy.evaluate(policy.initialState(), Membership.of(topology.ids()), now));
    for (int seed : splitSeeds) {
      // Split the first quorate partition (or the first one) into two or three sides.
      int target = 0;
      for (int i = 0; i < partitions.size(); i++) {
        if (partitions.get(i).quorate()) {
          target = i;
          break;
        }
      }
      QuorumState parent = partitions.remove(target);
      now += secondsBetweenSplits * Clusters.SECOND;
      for (SortedSet<MemberId> side : split(parent.members(), seed)) {
        partitions.add(policy.evaluate(parent, Membership.of(side), now));
      }
      // Time passes for everyone: last_man_standing windows end on every side.
      now += secondsBetweenSplits * Clusters.SECOND;
      List<QuorumState> later = new ArrayList<>();
      for (QuorumState p : partitions) {
        later.add(policy.evaluate(p, Membership.of(p.members()), now));
      }
      partitions = later;

      long quorate = partitions.stream().filter(QuorumState::quorate).count();
      if (!policy.twoNode()) {
        assertThat(quorate)
            .as("quorate sides of %s under %s", partitions, policy)
            .isLessThanOrEqualTo(1);
      }
    }
  }

  @Property(tries = 300)
  void autoTieBreakerNeverGrantsBothHalves(
      @ForAll @IntRange(min = 1, max = 7) int pairs,
      @ForAll("options") Options options,
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    Topology topology = Clusters.ofSize(2 * pairs);
    QuorumPolicy policy =
        build(
            topology,
            new Options(options.waitForAll(), false, options.lastManStanding(), 1 + seed % 3));
    Assume.that(policy != null);
    QuorumState all = policy.evaluate(policy.initialState(), Membership.of(topology.ids()), 0);

    List<MemberId> shuffled = new ArrayList<>(topology.ids());
    java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
    SortedSet<MemberId> half = new TreeSet<>(shuffled.subList(0, pairs));
    SortedSet<MemberId> other = new TreeSet<>(shuffled.subList(pairs, shuffled.size()));
    QuorumState a = policy.evaluate(all, Membership.of(half), 1);
    QuorumState b = policy.evaluate(all, Membership.of(other), 1);

    assertThat(a.quorate() && b.quorate()).as("%s and %s", a, b).isFalse();
    // An even split of a quorate cluster is always decided for one side.
    assertThat(a.quorate() || b.quorate()).as("%s and %s", a, b).isTrue();
  }

  @Provide
  Arbitrary<Topology> topologies() {
    Arbitrary<Integer> size = Arbitraries.integers().between(1, 15);
    return size.flatMap(
        n ->
            Combinators.combine(
                    Arbitraries.integers().between(1, 3).list().ofSize(n),
                    Arbitraries.integers().between(1, 8).list().ofSize(n))
                .as(
                    (votes, hosts) -> {
                      Topology.Builder b = Topology.builder();
                      for (int i = 0; i < n; i++) {
                        b.member(i + 1, votes.get(i), "hv-" + hosts.get(i));
                      }
                      return b.build();
                    }));
  }

  @Provide
  Arbitrary<Options> options() {
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 3))
        .as(Options::new);
  }

  /** Builds the policy, or null for a combination the builder (rightly) refuses. */
  static QuorumPolicy build(Topology topology, Options o) {
    QuorumPolicy.Builder b =
        QuorumPolicy.builder(topology)
            .waitForAll(o.waitForAll())
            .twoNode(o.twoNode())
            .lastManStanding(o.lastManStanding())
            .lastManStandingWindow(Duration.ofSeconds(10));
    switch (o.breaker()) {
      case 1 -> b.autoTieBreaker(TieBreaker.lowest());
      case 2 -> b.autoTieBreaker(TieBreaker.highest());
      case 3 -> {
        List<MemberId> order = new ArrayList<>(topology.ids());
        java.util.Collections.reverse(order);
        b.autoTieBreaker(TieBreaker.ordered(order.subList(0, Math.min(3, order.size()))));
      }
      default -> {}
    }
    try {
      return b.build();
    } catch (ConfigurationException refused) {
      return null;
    }
  }

  /** Splits members into two or three non-empty sides when possible, driven by a seed. */
  static List<SortedSet<MemberId>> split(Set<MemberId> members, int seed) {
    int sides = Math.min(members.size(), 2 + seed % 2);
    List<SortedSet<MemberId>> result = new ArrayList<>();
    for (int i = 0; i < Math.max(1, sides); i++) {
      result.add(new TreeSet<>());
    }
    java.util.Random random = new java.util.Random(seed);
    int i = 0;
    for (MemberId id : members) {
      // The first members seed each side, so no side is empty.
      int side = i < result.size() ? i : random.nextInt(result.size());
      result.get(side).add(id);
      i++;
    }
    return result;
  }
}
