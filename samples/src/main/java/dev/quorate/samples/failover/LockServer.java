package dev.quorate.samples.failover;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * The demo's lock server: one ZooKeeper server (a single lock manager, SLM) in the demo's own
 * process. It stands for a small machine outside the two hosts, so that killing a host never takes
 * the lock service with it. The ledger sample uses it as its embedded ZooKeeper server.
 */
public final class LockServer implements AutoCloseable {
  private final ZooKeeperServerEmbedded server;
  private final String address;
  private final int port;

  private LockServer(ZooKeeperServerEmbedded server, String address, int port) {
    this.server = server;
    this.address = address;
    this.port = port;
  }

  /**
   * Starts a server on a free loopback port with its data in {@code dir} and the given tick.
   *
   * @param dir the server's directory
   * @param tick ZooKeeper's tick: sessions last 2 to 20 ticks
   * @return the running server
   * @throws Exception if the server does not start within 30 s
   */
  public static LockServer start(Path dir, Duration tick) throws Exception {
    return start(dir, tick, "127.0.0.1");
  }

  /**
   * Starts a server on a free port of {@code address} with its data in {@code dir}.
   *
   * @param dir the server's directory
   * @param tick ZooKeeper's tick: sessions last 2 to 20 ticks
   * @param address a local IPv4 address to listen on, such as {@code 127.0.0.1}
   * @return the running server
   * @throws Exception if the server does not start within 30 s
   */
  public static LockServer start(Path dir, Duration tick, String address) throws Exception {
    int port = freePort(address);
    Path data = Files.createDirectories(dir.resolve("data"));
    Properties config = new Properties();
    config.setProperty("tickTime", Long.toString(tick.toMillis()));
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", address);
    config.setProperty("dataDir", data.toString());
    config.setProperty("admin.enableServer", "false");
    ZooKeeperServerEmbedded server =
        ZooKeeperServerEmbedded.builder()
            .baseDir(dir)
            .configuration(config)
            // A failing server must not System.exit() the demo.
            .exitHandler(ExitHandler.LOG_ONLY)
            .build();
    server.start(Duration.ofSeconds(30).toMillis());
    return new LockServer(server, address, port);
  }

  /**
   * Returns the connect string of the server.
   *
   * @return {@code <address>:<port>}, such as {@code 127.0.0.1:2181}
   */
  public String connectString() {
    return address + ":" + port;
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return socket.getLocalPort();
    }
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }
}
