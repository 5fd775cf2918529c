package dev.quorate.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Three ZooKeeper servers, each a {@code QuorumPeerMain} JVM with its own data directory, killed
 * with SIGKILL and restarted on the same configuration by the nemesis.
 */
final class ZkEnsemble {
  static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
  static final int SIZE = 3;

  private final ChildProcesses processes;
  private final Path dir;
  private final List<Integer> clientPorts;
  private final Process[] servers = new Process[SIZE];

  ZkEnsemble(ChildProcesses processes, Path dir, int tickMillis) throws IOException {
    this.processes = processes;
    this.dir = dir;
    List<Integer> ports = FreePorts.take(SIZE * 3);
    this.clientPorts = ports.subList(0, SIZE);
    for (int id = 1; id <= SIZE; id++) {
      Path data = dir.resolve("zk" + id);
      Files.createDirectories(data);
      Files.writeString(data.resolve("myid"), Integer.toString(id));
      List<String> cfg = new ArrayList<>();
      cfg.add("tickTime=" + tickMillis);
      cfg.add("initLimit=20");
      cfg.add("syncLimit=5");
      cfg.add("dataDir=" + data);
      cfg.add("clientPort=" + clientPorts.get(id - 1));
      cfg.add("clientPortAddress=127.0.0.1");
      cfg.add("maxClientCnxns=0");
      cfg.add("admin.enableServer=false");
      cfg.add("4lw.commands.whitelist=srvr");
      // The faults kill processes, never the machine: the page cache survives a SIGKILL, so an
      // fsync per transaction buys nothing here and would halve the acquisitions per second.
      cfg.add("forceSync=no");
      cfg.add("autopurge.purgeInterval=1");
      for (int peer = 1; peer <= SIZE; peer++) {
        cfg.add(
            "server."
                + peer
                + "=127.0.0.1:"
                + ports.get(SIZE + peer - 1)
                + ":"
                + ports.get(2 * SIZE + peer - 1));
      }
      Files.write(config(id), cfg);
    }
  }

  private Path config(int id) {
    return dir.resolve("zk" + id + ".cfg");
  }

  void startAll() throws IOException {
    for (int id = 1; id <= SIZE; id++) {
      start(id);
    }
  }

  void start(int id) throws IOException {
    servers[id - 1] =
        processes.java(
            List.of("-Xmx160m", "-Dzookeeper.jmx.log4j.disable=true"),
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

  int clientPort(int id) {
    return clientPorts.get(id - 1);
  }

  String connectString() {
    return clientPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** The server that says it leads, if one does right now. */
  Optional<Integer> leader() {
    for (int id = 1; id <= SIZE; id++) {
      if (mode(clientPort(id)).contains("Mode: leader")) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /** True when every server answers and one of them leads. */
  boolean serving() {
    for (int id = 1; id <= SIZE; id++) {
      if (!mode(clientPort(id)).contains("Mode: ")) {
        return false;
      }
    }
    return leader().isPresent();
  }

  private static String mode(int clientPort) {
    try (Socket socket = new Socket("127.0.0.1", clientPort)) {
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
