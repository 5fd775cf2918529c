package dev.quorate.fence.internal;

import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Topology;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * oVirt's brake against fencing storms: when more than a share of the hosts look dead at once, the
 * likelier cause is the network (a switch, maintenance), and fencing them would turn a network
 * outage into a real one. A host looks dead when none of its members is in the requester's
 * partition.
 */
final class StormBrake {
  private final Topology topology;
  private final int percent;

  StormBrake(Topology topology, int percent) {
    this.topology = topology;
    this.percent = percent;
  }

  /** The hosts that look dead if they are more than the threshold; empty otherwise. */
  List<String> brakingHosts(Set<MemberId> partition) {
    List<String> dead =
        topology.hosts().stream()
            .filter(host -> Collections.disjoint(topology.membersOn(host), partition))
            .toList();
    // Strictly more than the share: with two hosts, one dead host is the ordinary case (50%).
    return dead.size() * 100L > (long) percent * topology.hosts().size() ? dead : List.of();
  }

  String describe(List<String> dead) {
    return dead.size()
        + " of "
        + topology.hosts().size()
        + " hosts look dead at once "
        + dead
        + ", more than "
        + percent
        + "%: more likely the network than the hosts; fencing is braked";
  }
}
