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
 * the lock service with it.
 */
final class LockServer implements AutoCloseable {
  private final ZooKeeperServerEmbedded server;
  private final int port;

  private LockServer(ZooKeeperServerEmbedded server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a server with its data in {@code dir} and the given tick. */
  static LockServer start(Path dir, Duration tick) throws Exception {
    int port = freePort();
    Path data = Files.createDirectories(dir.resolve("data"));
    Properties config = new Properties();
    config.setProperty("tickTime", Long.toString(tick.toMillis()));
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", "127.0.0.1");
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
    return new LockServer(server, port);
  }

  String connectString() {
    return "127.0.0.1:" + port;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
