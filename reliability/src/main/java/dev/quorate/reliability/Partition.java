package dev.quorate.reliability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Which links of the run's network a partition cuts, as a pure function of who may still see whom.
 * Nodes are {@code zk1..zkS} and client ids; clients talk only to servers, so a link between two
 * clients is never cut. {@link NetworkLab#apply} turns the cut links into drop rules.
 *
 * @param cut the links cut, each once, in the nodes' order
 */
record Partition(Set<Link> cut) {
  /** An undirected link between two nodes. */
  record Link(String a, String b) {}

  /** Cuts every server-server and client-server link for which {@code sees} is false. */
  static Partition where(
      List<String> servers, List<String> clients, BiPredicate<String, String> sees) {
    List<String> nodes = new ArrayList<>(servers);
    nodes.addAll(clients);
    Set<Link> cut = new LinkedHashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        String a = nodes.get(i);
        String b = nodes.get(j);
        boolean clientPair = clients.contains(a) && clients.contains(b);
        if (!clientPair && !(sees.test(a, b) && sees.test(b, a))) {
          cut.add(new Link(a, b));
        }
      }
    }
    return new Partition(Collections.unmodifiableSet(cut));
  }

  /** Two sides that do not see each other; every node must be on exactly one side. */
  static Partition split(
      List<String> servers, List<String> clients, Set<String> side, Set<String> other) {
    List<String> all = new ArrayList<>(servers);
    all.addAll(clients);
    for (String n : all) {
      if (side.contains(n) == other.contains(n)) {
        throw new IllegalArgumentException(
            n + " must be on exactly one side of " + side + " | " + other);
      }
    }
    return where(servers, clients, (a, b) -> side.contains(a) == side.contains(b));
  }

  /**
   * A bridge: {@code left} and {@code right} do not see each other; the servers in neither (the
   * bridge) see both; clients see every server.
   */
  static Partition bridge(
      List<String> servers, List<String> clients, Set<String> left, Set<String> right) {
    return where(
        servers,
        clients,
        (a, b) ->
            !(left.contains(a) && right.contains(b)) && !(right.contains(a) && left.contains(b)));
  }

  /**
   * A ring of the servers in the given order: each sees only its two neighbours. Clients see every
   * server. With three servers every pair are neighbours, so it needs at least four.
   */
  static Partition ring(List<String> ring, List<String> clients) {
    if (ring.size() < 4) {
      throw new IllegalArgumentException("a ring needs at least 4 servers, got " + ring);
    }
    int n = ring.size();
    return where(
        ring,
        clients,
        (a, b) -> {
          if (clients.contains(a) || clients.contains(b)) {
            return true;
          }
          int d = Math.abs(ring.indexOf(a) - ring.indexOf(b));
          return d <= 1 || d == n - 1;
        });
  }

  /** {@code client} sees only server {@code keep}; everything else stays connected. */
  static Partition clientToOne(
      List<String> servers, List<String> clients, String client, String keep) {
    return where(
        servers, clients, (a, b) -> !(a.equals(client) && b.startsWith("zk") && !b.equals(keep)));
  }

  /** {@code client} sees no server at all; the servers see each other. */
  static Partition isolate(List<String> servers, List<String> clients, String client) {
    return where(servers, clients, (a, b) -> !a.equals(client) && !b.equals(client));
  }
}
