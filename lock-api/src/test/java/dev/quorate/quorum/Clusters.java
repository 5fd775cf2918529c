package dev.quorate.quorum;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Small fixtures: topologies and member sets for the tests. */
final class Clusters {
  static final long SECOND = 1_000_000_000L;

  private Clusters() {}

  /** Members 1..n with one vote each, each on its own host. */
  static Topology ofSize(int n) {
    Topology.Builder b = Topology.builder();
    for (int id = 1; id <= n; id++) {
      b.member(id, 1, "hv-" + id);
    }
    return b.build();
  }

  /** Members 1..n with the given votes, each on its own host. */
  static Topology withVotes(int... votes) {
    Topology.Builder b = Topology.builder();
    for (int i = 0; i < votes.length; i++) {
      b.member(i + 1, votes[i], "hv-" + (i + 1));
    }
    return b.build();
  }

  static Set<MemberId> ids(int... ids) {
    return Arrays.stream(ids).mapToObj(MemberId::of).collect(Collectors.toSet());
  }

  /** Members 1..n. */
  static Set<MemberId> upTo(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(MemberId::of).collect(Collectors.toSet());
  }
}
