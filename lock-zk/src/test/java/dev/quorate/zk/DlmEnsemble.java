package dev.quorate.zk;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Three embedded peers in this JVM: a distributed lock manager's lock service for tests. */
final class DlmEnsemble implements AutoCloseable {
  final List<EmbeddedPeer> peers = new ArrayList<>();

  DlmEnsemble(Path dir) throws IOException, InterruptedException {
    int[] ports = freePorts(9);
    List<PeerAddress> members = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      int base = (id - 1) * 3;
      members.add(new PeerAddress(id, "127.0.0.1", ports[base], ports[base + 1], ports[base + 2]));
    }
    for (PeerAddress member : members) {
      peers.add(
          EmbeddedPeer.builder()
              .self(member.id())
              .members(members)
              .dataDir(Files.createDirectories(dir.resolve("peer-" + member.id())))
              .tickTime(Duration.ofMillis(500))
              .build());
    }
    for (EmbeddedPeer peer : peers) {
      peer.start(Duration.ofSeconds(30));
    }
  }

  ZkLockManager manager(int member, Duration sessionTimeout) throws InterruptedException {
    return ZkLockManager.builder()
        .peer(peers.get(member % peers.size()))
        .sessionTimeout(sessionTimeout)
        .connectionTimeout(Duration.ofSeconds(30))
        .build();
  }

  /** Distinct free ports: all sockets stay open until every port is chosen. */
  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  @Override
  public void close() {
    peers.forEach(EmbeddedPeer::close);
  }
}
