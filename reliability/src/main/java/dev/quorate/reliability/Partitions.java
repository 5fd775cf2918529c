package dev.quorate.reliability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The nemesis's partitions: chooses who ends up where (with the run's seed), and applies and heals
 * them through the run's {@link NetworkLab}. Each plan has a name for the fault log, such as {@code
 * zk2+client-1|zk1+zk3+client-2+client-3}.
 */
final class Partitions {
  /** A partition and how the fault log names it. */
  record Plan(String name, Partition partition) {}

  private final NetworkLab lab;
  private final ZkEnsemble ensemble;
  private final List<String> servers = new ArrayList<>();
  private final List<String> clients;
  private final Random random;

  Partitions(NetworkLab lab, ZkEnsemble ensemble, List<String> clients, Random random) {
    this.lab = lab;
    this.ensemble = ensemble;
    this.clients = List.copyOf(clients);
    this.random = random;
    for (int s = 1; s <= ensemble.size(); s++) {
      servers.add("zk" + s);
    }
  }

  /**
   * The leader and {@code holder} on the minority side (the leader alone, or with one follower in a
   * five-server ensemble), every other server and client on the majority side.
   */
  Plan leaderWith(String holder) {
    String leader =
        "zk" + ensemble.leader().orElseThrow(() -> new IllegalStateException("no leader"));
    List<String> followers = new ArrayList<>(servers);
    followers.remove(leader);
    Collections.shuffle(followers, random);
    Set<String> minority = new LinkedHashSet<>(List.of(leader));
    minority.addAll(followers.subList(0, (servers.size() - 1) / 2 - 1));
    minority.add(holder);
    Set<String> majority = new LinkedHashSet<>(servers);
    majority.addAll(clients);
    majority.removeAll(minority);
    return new Plan(
        String.join("+", minority) + "|" + String.join("+", majority),
        Partition.split(servers, clients, minority, majority));
  }

  /** {@code holder} hears no server; the servers are whole. */
  Plan isolate(String holder) {
    return new Plan(holder + "|servers", Partition.isolate(servers, clients, holder));
  }

  /** Two halves of the servers that do not see each other, joined by one server that sees both. */
  Plan bridge() {
    List<String> order = shuffled();
    int half = order.size() / 2;
    Set<String> left = new LinkedHashSet<>(order.subList(0, half));
    Set<String> right = new LinkedHashSet<>(order.subList(half + 1, order.size()));
    String bridge = order.get(half);
    return new Plan(
        String.join("+", left) + "|" + bridge + "|" + String.join("+", right),
        Partition.bridge(servers, clients, left, right));
  }

  /** The servers in a ring, each seeing only its two neighbours. */
  Plan ring() {
    List<String> order = shuffled();
    return new Plan("ring:" + String.join("-", order), Partition.ring(order, clients));
  }

  /** A client that sees one server only. */
  Plan clientToOne() {
    String client = clients.get(random.nextInt(clients.size()));
    String keep = servers.get(random.nextInt(servers.size()));
    return new Plan(client + "->" + keep, Partition.clientToOne(servers, clients, client, keep));
  }

  void apply(Plan plan) throws IOException, InterruptedException {
    lab.apply(plan.partition());
  }

  void linkDown(String node) throws IOException, InterruptedException {
    lab.linkDown(node);
  }

  void heal() throws IOException, InterruptedException {
    lab.heal();
  }

  private List<String> shuffled() {
    List<String> order = new ArrayList<>(servers);
    Collections.shuffle(order, random);
    return order;
  }
}
