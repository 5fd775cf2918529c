package dev.quorate.quorum;

import dev.quorate.lock.ConfigurationException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** The ordered-list tie-breaker (votequorum's auto_tie_breaker_node with a list of ids). */
record ListTieBreaker(List<MemberId> order) implements TieBreaker {
  ListTieBreaker {
    order = List.copyOf(Objects.requireNonNull(order, "order"));
    if (order.isEmpty()) {
      throw new ConfigurationException(
          "quorum.auto_tie_breaker_node: empty list; give at least one member id,"
              + " or use lowest/highest");
    }
    if (new HashSet<>(order).size() != order.size()) {
      throw new ConfigurationException(
          "quorum.auto_tie_breaker_node: " + order + " repeats a member id; ids must be unique");
    }
  }

  @Override
  public boolean grants(TieContext context) {
    for (int i = 0; i < order.size(); i++) {
      if (!context.partition().contains(order.get(i))) {
        continue;
      }
      // A more preferred member that was with us before the split but is not here now may be
      // alive in the other half, which then wins: we must not win as well.
      for (MemberId preferred : order.subList(0, i)) {
        if (context.previousMembers().contains(preferred)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void validate(Topology topology) {
    for (MemberId id : order) {
      if (!topology.contains(id)) {
        throw new ConfigurationException(
            "quorum.auto_tie_breaker_node: member "
                + id
                + " is not in the topology; accepted: ids of "
                + topology.ids());
      }
    }
  }

  @Override
  public String toString() {
    return "list" + order;
  }
}
