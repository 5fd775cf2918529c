package dev.quorate.fence.internal;

import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Topology;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Both directions between the names fence requests use and the topology's member ids, so that every
 * explanation and collateral record speaks the operator's names.
 */
final class MemberNames {
  private final Topology topology;
  private final Map<String, MemberId> ids;
  private final Map<MemberId, String> names = new TreeMap<>();

  MemberNames(Topology topology, Map<String, MemberId> ids) {
    this.topology = topology;
    this.ids = Map.copyOf(ids);
    ids.forEach((name, id) -> names.put(id, name));
  }

  /** The member a request names, or empty for a stranger. */
  Optional<Member> member(String name) {
    MemberId id = ids.get(name);
    return id == null ? Optional.empty() : topology.member(id);
  }

  String name(MemberId id) {
    return names.getOrDefault(id, "member " + id);
  }

  /** The names of the given members, sorted by id; a set for collateral records. */
  Set<String> namesOf(Collection<MemberId> members) {
    return new TreeSet<>(members).stream().map(this::name).collect(Collectors.toSet());
  }

  /** "[node-a, node-b]" in id order, for explanations. */
  String describe(Collection<MemberId> members) {
    return new TreeSet<>(members)
        .stream().map(this::name).collect(Collectors.joining(", ", "[", "]"));
  }

  /** "node-a (member 1 on h1)". */
  String describe(Member member) {
    return name(member.id()) + " (member " + member.id() + " on " + member.host() + ")";
  }

  Set<String> known() {
    return new TreeSet<>(ids.keySet());
  }
}
