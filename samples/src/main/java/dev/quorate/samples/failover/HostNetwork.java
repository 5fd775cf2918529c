package dev.quorate.samples.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated hosts' network. Where the machine allows (root, {@code ip} on the PATH, {@code ip
 * netns add} succeeds), each host is a network namespace of its own, joined by a veth pair to a
 * bridge in the root namespace, on a private link-local /24 (169.254.N.0/24, N chosen free): the
 * bridge holds {@code 169.254.N.1}, where the lock server and the NBD server listen, and host
 * {@code id} holds {@code 169.254.N.(id+1)}. Nothing is routed off the machine: the namespaces have
 * no route but their link. A host's cluster manager and its QEMU processes run inside its
 * namespace, so "host cut off" is its link going down. Elsewhere every host shares this machine's
 * loopback, and {@link #reason()} says why.
 *
 * <p>The names carry the demo's pid ({@code qrt<pid>-host-a}, bridge {@code qrt<pid>br}, link
 * {@code qrt<pid>-<id>}); at start, those of a crashed run (a pid no longer running) are removed.
 */
final class HostNetwork implements AutoCloseable {
  /** Set to {@code off} to forbid namespaces: the demo then runs as on a machine without them. */
  static final String SWITCH = "QUORATE_DEMO_NAMESPACES";

  private static final String PREFIX = "qrt";
  private static final Pattern OURS = Pattern.compile(PREFIX + "(\\d+)(?:-.*|br)?");
  private static final long COMMAND_SECONDS = 10;

  private final String address;
  private final String reason;
  private final String run;
  private final Map<String, String> namespaces = new LinkedHashMap<>();
  // The demo closes it, and so does its shutdown hook if the JVM is stopped first.
  private final AtomicBoolean closed = new AtomicBoolean();
  private long madeMillis;

  private HostNetwork(String address, String reason, String run) {
    this.address = address;
    this.reason = reason;
    this.run = run;
  }

  /**
   * Makes the hosts' namespaces, or says why not: never fails for lack of them.
   *
   * @param hosts every host's name and member id (1 to 253)
   */
  static HostNetwork open(Map<String, Integer> hosts) {
    return open(hosts, System.getenv(SWITCH));
  }

  /** As {@link #open(Map)}, with the value of {@link #SWITCH} given. */
  static HostNetwork open(Map<String, Integer> hosts, String switchValue) {
    Optional<String> refused = refusal(switchValue);
    if (refused.isPresent()) {
      return fallback(refused.get());
    }
    String run = PREFIX + ProcessHandle.current().pid();
    long start = System.nanoTime();
    HostNetwork network;
    try {
      removeStale();
      int subnet = freeSubnet();
      network = new HostNetwork("169.254." + subnet + ".1", null, run);
      try {
        network.build(subnet, hosts);
      } catch (IOException e) {
        network.close();
        throw e;
      }
    } catch (IOException e) {
      return fallback("making them failed: " + e.getMessage());
    }
    network.madeMillis = (System.nanoTime() - start) / 1_000_000;
    return network;
  }

  private static HostNetwork fallback(String why) {
    return new HostNetwork("127.0.0.1", why, null);
  }

  private static Optional<String> refusal(String switchValue) {
    if ("off".equals(switchValue)) {
      return Optional.of(SWITCH + "=off forbids them");
    }
    if (!onPath("ip")) {
      return Optional.of("the ip command (iproute2) is not on the PATH");
    }
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (!Integer.valueOf(0).equals(uid)) {
        return Optional.of("they need root, and this runs as uid " + uid);
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.of("the user id is unknown (/proc/self: " + e.getMessage() + ")");
    }
    return Optional.empty();
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private void build(int subnet, Map<String, Integer> hosts) throws IOException {
    String bridge = run + "br";
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", address + "/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    for (Map.Entry<String, Integer> host : new TreeMap<>(hosts).entrySet()) {
      int id = host.getValue();
      if (id < 1 || id > 253) {
        throw new IOException("member id " + id + " of " + host.getKey() + " is not in 1..253");
      }
      String ns = run + "-" + host.getKey();
      ip("netns", "add", ns);
      namespaces.put(host.getKey(), ns);
      String link = run + "-" + id;
      ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("link", "set", link, "master", bridge);
      ip("link", "set", link, "up");
      ip("-n", ns, "addr", "add", "169.254." + subnet + "." + (id + 1) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
    }
  }

  /** Where the lock server and the NBD server listen, reachable from every host. */
  String serviceAddress() {
    return address;
  }

  /** Why the hosts share the loopback, if they do. */
  Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** One line for the demo's header. */
  String describe() {
    if (reason != null) {
      return "hosts: NO network namespaces ("
          + reason
          + "); every host shares this machine's loopback, so a host cannot be cut off";
    }
    return "hosts: network namespaces "
        + String.join(", ", namespaces.values())
        + ", one veth each to bridge "
        + run
        + "br ("
        + address
        + "/24, link-local, not routed off the machine), made in "
        + madeMillis
        + " ms";
  }

  /** The command that runs {@code command} on {@code host}: inside its namespace, if it has one. */
  List<String> on(String host, List<String> command) {
    String ns = namespaces.get(host);
    if (ns == null) {
      return command;
    }
    List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    inside.addAll(command);
    return inside;
  }

  /**
   * Says whether process {@code pid} runs in the host's namespace: its {@code /proc/<pid>/ns/net}
   * is the namespace file {@code ip netns} keeps in {@code /run/netns}.
   */
  boolean holds(String host, long pid) throws IOException {
    String ns = namespaces.get(host);
    if (ns == null) {
      return false;
    }
    Object inside =
        Files.getAttribute(Path.of("/proc", Long.toString(pid), "ns", "net"), "unix:ino");
    return inside.equals(Files.getAttribute(Path.of("/run/netns", ns), "unix:ino"));
  }

  /** The host's namespace, if it has one. */
  Optional<String> namespace(String host) {
    return Optional.ofNullable(namespaces.get(host));
  }

  /**
   * Sets the host's link down (cut off) or up. Up returns once both ends carry traffic again, with
   * the host's neighbour cache emptied: an address it failed to resolve while cut off would
   * otherwise answer "No route to host" for a while after the link is back.
   */
  void link(String host, int id, boolean up) throws IOException {
    String ns = namespaces.get(host);
    if (ns == null) {
      throw new IllegalStateException(host + " has no link of its own: " + describe());
    }
    String link = linkName(id);
    ip("link", "set", link, up ? "up" : "down");
    if (!up) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_SECONDS);
    while (!(operational(List.of("link", "show", link))
        && operational(List.of("-n", ns, "link", "show", "eth0")))) {
      if (System.nanoTime() > deadline) {
        throw new IOException(
            host + "'s link " + link + " is not up " + COMMAND_SECONDS + " s after 'link set up'");
      }
      Thread.onSpinWait();
    }
    ip("-n", ns, "neigh", "flush", "all");
  }

  /** The root namespace's end of host {@code id}'s veth pair. */
  String linkName(int id) {
    return run + "-" + id;
  }

  /** True if the interface `ip ARGS` shows is up with a carrier. */
  private static boolean operational(List<String> showArgs) throws IOException {
    String shown = String.join(" ", output(showArgs.toArray(String[]::new)));
    return shown.contains("state UP") && !shown.contains("NO-CARRIER");
  }

  /** Removes the namespaces and the bridge (their veth pairs go with them). */
  @Override
  public void close() {
    if (run == null || !closed.compareAndSet(false, true)) {
      return;
    }
    for (String ns : namespaces.values()) {
      quietly("netns", "del", ns);
    }
    quietly("link", "del", run + "br");
  }

  private static void quietly(String... args) {
    try {
      ip(args);
    } catch (IOException e) {
      System.err.println("demo cleanup: " + e.getMessage());
    }
  }

  /** Removes namespaces and links of earlier runs whose demo process is gone. */
  private static void removeStale() throws IOException {
    for (String ns : output("netns", "list")) {
      String name = ns.split(" ")[0];
      if (stale(name)) {
        ip("netns", "del", name);
      }
    }
    for (String line : output("-o", "link", "show")) {
      String[] fields = line.split(":\\s+");
      if (fields.length > 1) {
        String name = fields[1].split("@")[0];
        if (stale(name)) {
          ip("link", "del", name);
        }
      }
    }
  }

  private static boolean stale(String name) {
    Matcher m = OURS.matcher(name);
    return m.matches()
        && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true);
  }

  private static int freeSubnet() throws IOException {
    String used = String.join("\n", output("-o", "-4", "addr", "show"));
    int start = (int) (ProcessHandle.current().pid() % 250) + 2;
    for (int i = 0; i < 250; i++) {
      int subnet = (start + i) % 250 + 2;
      if (!used.contains(" 169.254." + subnet + ".")) {
        return subnet;
      }
    }
    throw new IOException("every 169.254.N.0/24 (N = 2..251) is in use on this machine");
  }

  private static void ip(String... args) throws IOException {
    output(args);
  }

  private static List<String> output(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " ran over " + COMMAND_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " interrupted", e);
    }
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " exited " + process.exitValue() + ": " + text.trim());
    }
    return text.lines().toList();
  }
}
