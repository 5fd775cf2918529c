package dev.quorate.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's own network: one namespace per ZooKeeper server and per lock client, each joined by a
 * veth pair to a bridge that lives in a hub namespace of the run, plus one veth from the harness's
 * namespace to the bridge (the harness, its proxies and the resource live there). Addresses are in
 * one private /24 that no interface of the machine uses; no namespace of the run has a default
 * route, so nothing is routed outside the machine.
 *
 * <pre>
 *  zk1 zk2 zk3 client-1 client-2 client-3      one namespace each, eth0 = 10.213.N.x
 *    \   |   |    |        |        /
 *     +--+---+----+--------+-------+--- bridge br0 in namespace quorate-chaos-PID-hub
 *                 |
 *        harness namespace: .254 (resource), .101-.10k (the proxies of server 1..k)
 * </pre>
 *
 * A partition is a set of blackhole routes inside the namespaces: a server drops what it sends to a
 * peer it must not see; a client drops what it sends to the proxies of the servers it must not see.
 * A flapping link is the node's own eth0 set down and up. Namespace names carry the harness's pid,
 * so concurrent runs do not collide, and {@link #removeStale} deletes those of runs whose process
 * is gone.
 */
final class NetworkLab implements AutoCloseable {
  static final String PREFIX = "quorate-chaos-";
  private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)-\\S+");

  private final String prefix;
  private final String subnet;
  private final Map<String, Integer> hosts = new LinkedHashMap<>();
  private final Set<String> namespaces = new LinkedHashSet<>();
  private final Set<List<String>> drops = new LinkedHashSet<>();
  private final Set<String> down = new LinkedHashSet<>();
  private final int servers;

  private NetworkLab(String prefix, String subnet, int servers) {
    this.prefix = prefix;
    this.subnet = subnet;
    this.servers = servers;
  }

  /**
   * Builds the namespaces for servers {@code zk1..zkS} and the given clients, or throws with the
   * reason (not root, no iproute2, no namespace support), leaving nothing behind.
   */
  static NetworkLab build(int servers, List<String> clients) throws IOException {
    try {
      removeStale();
      long pid = ProcessHandle.current().pid();
      NetworkLab lab = new NetworkLab(PREFIX + pid + "-", freeSubnet(pid), servers);
      try {
        lab.create(clients);
      } catch (IOException | RuntimeException e) {
        lab.close();
        throw e;
      }
      return lab;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building network namespaces", e);
    }
  }

  private void create(List<String> clients) throws IOException, InterruptedException {
    String hub = prefix + "hub";
    addNamespace(hub);
    Ip.in(hub, "link", "add", "br0", "type", "bridge");
    Ip.in(hub, "link", "set", "br0", "up");
    for (int s = 1; s <= servers; s++) {
      hosts.put("zk" + s, s);
    }
    for (int i = 0; i < clients.size(); i++) {
      hosts.put(clients.get(i), 11 + i);
    }
    int port = 0;
    for (Map.Entry<String, Integer> node : hosts.entrySet()) {
      String ns = namespace(node.getKey());
      addNamespace(ns);
      String peer = "p" + port++;
      Ip.run(
          "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", peer, "netns", hub);
      Ip.in(hub, "link", "set", peer, "master", "br0", "up");
      Ip.in(ns, "addr", "add", subnet + node.getValue() + "/24", "dev", "eth0");
      Ip.in(ns, "link", "set", "eth0", "up");
      Ip.in(ns, "link", "set", "lo", "up");
    }
    // The harness's side: the veth's name carries the pid, as interface names are per namespace.
    String hostLink = "qc" + ProcessHandle.current().pid();
    Ip.run("link", "add", hostLink, "type", "veth", "peer", "name", "host", "netns", hub);
    Ip.in(hub, "link", "set", "host", "master", "br0", "up");
    Ip.run("addr", "add", hostAddress() + "/24", "dev", hostLink);
    for (int s = 1; s <= servers; s++) {
      Ip.run("addr", "add", proxyAddress(s) + "/32", "dev", hostLink);
    }
    Ip.run("link", "set", hostLink, "up");
  }

  private void addNamespace(String ns) throws IOException, InterruptedException {
    Ip.run("netns", "add", ns);
    namespaces.add(ns);
  }

  private String namespace(String node) {
    if (!hosts.containsKey(node)) {
      throw new IllegalArgumentException("no namespace for '" + node + "'; nodes: " + hosts);
    }
    return prefix + node;
  }

  /** The command prefix that runs a program inside {@code node}'s namespace. */
  List<String> enter(String node) {
    return List.of("ip", "netns", "exec", namespace(node));
  }

  String address(String node) {
    namespace(node);
    return subnet + hosts.get(node);
  }

  /** The harness's address on the bridge: the resource listens here. */
  String hostAddress() {
    return subnet + 254;
  }

  /** Where the clients' proxies of server {@code s} listen. */
  String proxyAddress(int s) {
    return subnet + (100 + s);
  }

  /** Applies a partition: every link it cuts drops its packets from now on. */
  void apply(Partition partition) throws IOException, InterruptedException {
    for (Partition.Link link : partition.cut()) {
      String a = link.a();
      String b = link.b();
      if (a.startsWith("zk") && b.startsWith("zk")) {
        drop(a, address(b));
        drop(b, address(a));
      } else {
        String client = a.startsWith("zk") ? b : a;
        String server = a.startsWith("zk") ? a : b;
        // The client talks to the server through its proxy in the harness's namespace; what the
        // client sends there is lost, so the server hears nothing and the client gets no answer.
        drop(client, proxyAddress(Integer.parseInt(server.substring(2))));
      }
    }
  }

  private void drop(String node, String to) throws IOException, InterruptedException {
    if (drops.add(List.of(node, to))) {
      Ip.in(namespace(node), "route", "add", "blackhole", to + "/32");
    }
  }

  void linkDown(String node) throws IOException, InterruptedException {
    Ip.in(namespace(node), "link", "set", "eth0", "down");
    down.add(node);
  }

  void linkUp(String node) throws IOException, InterruptedException {
    Ip.in(namespace(node), "link", "set", "eth0", "up");
    down.remove(node);
  }

  /** Removes every drop and brings every link up: the network is whole again. */
  void heal() throws IOException, InterruptedException {
    for (List<String> d : new ArrayList<>(drops)) {
      Ip.in(namespace(d.get(0)), "route", "del", "blackhole", d.get(1) + "/32");
      drops.remove(d);
    }
    for (String node : new ArrayList<>(down)) {
      linkUp(node);
    }
  }

  @Override
  public void close() throws IOException {
    List<String> failures = new ArrayList<>();
    // Deleting a namespace deletes its end of every veth pair, and with it the other end.
    for (String ns : namespaces) {
      try {
        Ip.run("netns", "delete", ns);
      } catch (IOException e) {
        failures.add(e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add("interrupted deleting " + ns);
      }
    }
    namespaces.clear();
    if (!failures.isEmpty()) {
      throw new IOException("namespaces left behind: " + failures);
    }
  }

  /**
   * Deletes the namespaces of earlier runs whose harness process is gone (a crash or a SIGKILL
   * skips {@link #close}); returns how many.
   */
  static int removeStale() throws IOException, InterruptedException {
    int removed = 0;
    for (String line : Ip.run("netns", "list").split("\n")) {
      Matcher m = OURS.matcher(line.trim());
      if (m.find() && !Files.exists(Path.of("/proc", m.group(1)))) {
        Ip.run("netns", "delete", line.trim().split(" ")[0]);
        removed++;
      }
    }
    return removed;
  }

  /** A 10.213.N.0/24 that no interface here uses, N chosen by pid so that runs differ. */
  private static String freeSubnet(long pid) throws IOException, InterruptedException {
    String used = Ip.run("-4", "-o", "addr");
    for (int i = 0; i < 250; i++) {
      String candidate = "10.213." + ((pid + i) % 250 + 1) + ".";
      if (!used.contains(" " + candidate)) {
        return candidate;
      }
    }
    throw new IOException("no free 10.213.N.0/24 for the run's network: " + used);
  }
}
