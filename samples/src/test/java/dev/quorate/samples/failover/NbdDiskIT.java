package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.FencingToken;
import dev.quorate.nbd.ExportName;
import dev.quorate.nbd.NbdServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hosts' way to the quorum disk, against the demo's real NBD server: what one host writes the
 * other reads, and a server that stops answering (a host cut off) fails the request within the
 * client's timeout instead of hanging the quorum disk's I/O thread; the next request connects
 * again.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdDiskIT {
  private static final ExportName QDISK = ExportName.of("qdisk", FencingToken.of(1));
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  @TempDir Path dir;

  @Test
  void twoHostsShareTheExportThroughTheServer() throws Exception {
    Path image = dir.resolve("qdisk.img");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(64 * 1024);
    }
    try (NbdServer server = server(image)) {
      server.start();
      String address = "127.0.0.1:" + server.port();
      try (NbdDisk hostA = NbdDisk.open(address, QDISK, TIMEOUT);
          NbdDisk hostB = NbdDisk.open(address, QDISK, TIMEOUT)) {
        assertThat(hostA.size()).isEqualTo(64 * 1024);
        hostA.write(4096, ByteBuffer.wrap("slot 1".getBytes(StandardCharsets.US_ASCII)));
        hostB.write(8192, ByteBuffer.wrap("slot 2".getBytes(StandardCharsets.US_ASCII)));

        ByteBuffer read = ByteBuffer.allocate(6);
        hostB.read(4096, read);
        assertThat(new String(read.array(), StandardCharsets.US_ASCII)).isEqualTo("slot 1");
        read.clear();
        hostA.read(8192, read);
        assertThat(new String(read.array(), StandardCharsets.US_ASCII)).isEqualTo("slot 2");
      }
      byte[] onDisk = Files.readAllBytes(image);
      assertThat(new String(onDisk, 4096, 6, StandardCharsets.US_ASCII)).isEqualTo("slot 1");
    }
  }

  @Test
  void aServerThatStopsAnsweringFailsTheRequestWithinTheTimeoutAndTheNextOneReconnects()
      throws Exception {
    Path image = dir.resolve("qdisk.img");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(64 * 1024);
    }
    Silent silent = new Silent();
    try (NbdServer server = server(image)) {
      server.start();
      // The client reaches the server through a relay that can go silent, as a cut link does.
      try (Relay relay = new Relay(server.port(), silent);
          NbdDisk disk = NbdDisk.open("127.0.0.1:" + relay.port(), QDISK, TIMEOUT)) {
        disk.write(0, ByteBuffer.wrap(new byte[512]));
        silent.on = true;
        long start = System.nanoTime();
        assertThatThrownBy(() -> disk.read(0, ByteBuffer.allocate(512)))
            .isInstanceOf(IOException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("a silent server failed the read after " + took.toMillis() + " ms");
        assertThat(took).as("bounded by the client's timeout").isLessThan(Duration.ofSeconds(5));

        silent.on = false;
        ByteBuffer read = ByteBuffer.allocate(512);
        disk.read(0, read); // a new connection
        assertThat(read.position()).isEqualTo(512);
      }
    }
  }

  @Test
  void anExportTheServerRefusesFailsTheOpenNamingIt() throws Exception {
    Path image = dir.resolve("qdisk.img");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(4096);
    }
    try (NbdServer server = server(image)) {
      server.start();
      ExportName unknown = ExportName.of("nothing", FencingToken.of(1));
      assertThatThrownBy(() -> NbdDisk.open("127.0.0.1:" + server.port(), unknown, TIMEOUT))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("nothing@1");
    }
    assertThatThrownBy(() -> NbdDisk.open("no-port", QDISK, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'no-port' is not <host>:<port>");
  }

  private static NbdServer server(Path image) {
    return NbdServer.builder()
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .export(QDISK.export(), image)
        .build();
  }

  /** A switch the relay reads: while on, it forwards nothing in either direction. */
  private static final class Silent {
    volatile boolean on;
  }

  /** A TCP relay to the server that drops every byte while silent, as a link that is down. */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new ArrayList<>();

    Relay(int target, Silent silent) throws IOException {
      Thread accept =
          new Thread(
              () -> {
                while (!listener.isClosed()) {
                  try {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    synchronized (sockets) {
                      sockets.add(client);
                      sockets.add(server);
                    }
                    pump(client, server, silent);
                    pump(server, client, silent);
                  } catch (IOException e) {
                    return; // closed
                  }
                }
              },
              "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    private static void pump(Socket from, Socket to, Silent silent) {
      Thread pump =
          new Thread(
              () -> {
                byte[] buffer = new byte[8192];
                try {
                  int n;
                  while ((n = from.getInputStream().read(buffer)) >= 0) {
                    if (!silent.on) {
                      to.getOutputStream().write(buffer, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // One side closed: the relay of this connection ends.
                }
              },
              "relay-pump");
      pump.setDaemon(true);
      pump.start();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }
}
