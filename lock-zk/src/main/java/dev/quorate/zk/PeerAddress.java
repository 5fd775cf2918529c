package dev.quorate.zk;

import java.util.Objects;

/**
 * Where one member of a distributed lock manager serves: its ZooKeeper server id and ports.
 *
 * <pre>{@code
 * PeerAddress a = new PeerAddress(1, "node-a", 2181, 2888, 3888);
 * }</pre>
 *
 * @param id the server id, 1 to 255, unique in the ensemble
 * @param host the host name or address other members reach it at
 * @param clientPort the port clients connect to
 * @param quorumPort the port followers use to talk to the leader
 * @param electionPort the port of leader election
 */
public record PeerAddress(int id, String host, int clientPort, int quorumPort, int electionPort) {
  /**
   * Validates the address.
   *
   * @param id the server id, 1 to 255
   * @param host the host name or address
   * @param clientPort the client port
   * @param quorumPort the quorum port
   * @param electionPort the election port
   * @throws IllegalArgumentException if the id is not 1 to 255 or a port is not 1 to 65535
   */
  public PeerAddress {
    Objects.requireNonNull(host, "host");
    if (id < 1 || id > 255) {
      throw new IllegalArgumentException("peer id must be 1 to 255, got " + id);
    }
    checkPort("clientPort", clientPort);
    checkPort("quorumPort", quorumPort);
    checkPort("electionPort", electionPort);
  }

  private static void checkPort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be 1 to 65535, got " + port);
    }
  }

  /**
   * Returns {@code host:clientPort}.
   *
   * @return the client address
   */
  public String clientAddress() {
    return host + ":" + clientPort;
  }
}
