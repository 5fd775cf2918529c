package dev.quorate.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A ZooKeeper ensemble, each server a {@code QuorumPeerMain} JVM with its own data directory,
 * killed with SIGKILL and restarted on the same configuration by the nemesis. On loopback with free
 * ports, or each server in its own namespace of a {@link NetworkLab} on its own address; the
 * servers' class path is that of the chosen {@link ZkServers} version.
 */
final class ZkEnsemble {
  static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

  private final ChildProcesses processes;
  private final Path dir;
  private final NetworkLab lab;
  private final String classPath;
  private final List<InetSocketAddress> clientAddresses = new ArrayList<>();
  private final Process[] servers;

  /**
   * @param lab the run's network, or null for loopback
   */
  ZkEnsemble(
      ChildProcesses processes,
      Path dir,
      int size,
      int tickMillis,
      NetworkLab lab,
      String classPath)
      throws IOException {
    this.processes = processes;
    this.dir = dir;
    this.lab = lab;
    this.classPath = classPath;
    this.servers = new Process[size];
    List<String> hosts = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    if (lab == null) {
      ports.addAll(FreePorts.take(size * 3));
      for (int id = 1; id <= size; id++) {
        hosts.add("127.0.0.1");
      }
    } else {
      // One namespace per server: every server may use the same ports on its own address.
      for (int id = 1; id <= size; id++) {
        hosts.add(lab.address("zk" + id));
      }
      for (int port : List.of(2181, 2888, 3888)) {
        for (int id = 1; id <= size; id++) {
          ports.add(port);
        }
      }
    }
    for (int id = 1; id <= size; id++) {
      clientAddresses.add(new InetSocketAddress(hosts.get(id - 1), ports.get(id - 1)));
    }
    for (int id = 1; id <= size; id++) {
      Path data = dir.resolve("zk" + id);
      Files.createDirectories(data);
      Files.writeString(data.resolve("myid"), Integer.toString(id));
      List<String> cfg = new ArrayList<>();
      cfg.add("tickTime=" + tickMillis);
      cfg.add("initLimit=20");
      cfg.add("syncLimit=5");
      cfg.add("dataDir=" + data);
      cfg.add("clientPort=" + ports.get(id - 1));
      cfg.add("clientPortAddress=" + hosts.get(id - 1));
      cfg.add("maxClientCnxns=0");
      cfg.add("admin.enableServer=false");
      cfg.add("4lw.commands.whitelist=srvr");
      // The faults kill processes, never the machine: the page cache survives a SIGKILL, so an
      // fsync per transaction buys nothing here and would halve the acquisitions per second.
      cfg.add("forceSync=no");
      cfg.add("autopurge.purgeInterval=1");
      for (int peer = 1; peer <= size; peer++) {
        cfg.add(
            "server."
                + peer
                + "="
                + hosts.get(peer - 1)
                + ":"
                + ports.get(size + peer - 1)
                + ":"
                + ports.get(2 * size + peer - 1));
      }
      Files.write(config(id), cfg);
    }
  }

  int size() {
    return servers.length;
  }

  private Path config(int id) {
    return dir.resolve("zk" + id + ".cfg");
  }

  void startAll() throws IOException {
    for (int id = 1; id <= size(); id++) {
      start(id);
    }
  }

  void start(int id) throws IOException {
    servers[id - 1] =
        processes.java(
            lab == null ? List.of() : lab.enter("zk" + id),
            List.of("-Xmx160m", "-Dzookeeper.jmx.log4j.disable=true"),
            classPath,
            MAIN,
            List.of(config(id).toString()),
            dir.resolve("zk" + id + ".out"));
  }

  void kill(int id) throws InterruptedException {
    ChildProcesses.killNow(servers[id - 1]);
  }

  void stopAll() throws InterruptedException {
    for (Process p : servers) {
      if (p != null) {
        ChildProcesses.killNow(p);
      }
    }
  }

  InetSocketAddress clientAddress(int id) {
    return clientAddresses.get(id - 1);
  }

  String connectString() {
    return clientAddresses.stream()
        .map(a -> a.getHostString() + ":" + a.getPort())
        .collect(Collectors.joining(","));
  }

  /** The server that says it leads, if one does right now. */
  Optional<Integer> leader() {
    for (int id = 1; id <= size(); id++) {
      if (mode(clientAddress(id)).contains("Mode: leader")) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /** True when every server answers and one of them leads. */
  boolean serving() {
    for (int id = 1; id <= size(); id++) {
      if (!mode(clientAddress(id)).contains("Mode: ")) {
        return false;
      }
    }
    return leader().isPresent();
  }

  /**
   * Fails unless every server reports {@code version} (srvr): the chosen class path took effect.
   */
  void requireVersion(String version) {
    for (int id = 1; id <= size(); id++) {
      String srvr = mode(clientAddress(id));
      if (!srvr.contains("Zookeeper version: " + version + "-")) {
        throw new IllegalStateException(
            "zk"
                + id
                + " should run ZooKeeper "
                + version
                + " but reports: "
                + srvr.lines().findFirst().orElse(""));
      }
    }
  }

  private static String mode(InetSocketAddress server) {
    try (Socket socket = new Socket()) {
      socket.connect(server, 2000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }
}
