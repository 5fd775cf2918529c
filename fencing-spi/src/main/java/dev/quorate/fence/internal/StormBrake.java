package dev.quorate.fence.internal;

import dev.quorate.fence.Placement;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Topology;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * oVirt's brake against fencing storms: when more than a share of the hosts look dead at once, the
 * likelier cause is the network (a switch, maintenance), and fencing them would turn a network
 * outage into a real one. A host looks dead when none of its members is in the requester's
 * partition. Hosts and their members come from the live placement when it can be read (VMs migrate:
 * a host the topology names may be empty now, and an empty host never looks dead), else from the
 * topology.
 */
final class StormBrake {
  private final Topology topology;
  private final int percent;

  StormBrake(Topology topology, int percent) {
    this.topology = topology;
    this.percent = percent;
  }

  /**
   * Says why fencing brakes, or nothing if it does not.
   *
   * @param partition the requester's partition
   * @param placement the live placement, if it could be read
   * @param names member names, to look members up in the placement
   * @return the explanation naming the dead-looking hosts, if more than the share look dead
   */
  Optional<String> brake(
      Set<MemberId> partition, Optional<Placement> placement, MemberNames names) {
    Map<String, Set<MemberId>> membersByHost = new TreeMap<>();
    for (MemberId member : topology.ids()) {
      String host =
          placement
              .flatMap(p -> p.hostOf(names.name(member)))
              .orElseGet(() -> topology.member(member).orElseThrow().host());
      membersByHost.computeIfAbsent(host, h -> new TreeSet<>()).add(member);
    }
    List<String> dead =
        membersByHost.entrySet().stream()
            .filter(e -> e.getValue().stream().noneMatch(partition::contains))
            .map(Map.Entry::getKey)
            .toList();
    // Strictly more than the share: with two hosts, one dead host is the ordinary case (50%).
    if (dead.size() * 100L <= (long) percent * membersByHost.size()) {
      return Optional.empty();
    }
    return Optional.of(
        dead.size()
            + " of "
            + membersByHost.size()
            + " hosts look dead at once "
            + dead
            + ", more than "
            + percent
            + "%: more likely the network than the hosts; fencing is braked");
  }
}
