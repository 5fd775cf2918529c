package dev.quorate.samples.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The shared storage the members of scenario 2 heartbeat on (a SAN's heartbeat area): it records
 * when each member's last heartbeat arrived, on a local TCP port. Protocol, one line per request:
 * {@code BEAT <member>} answers {@code OK}.
 */
final class SharedStorage implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

  private final ServerSocket server;
  private final ExecutorService connections;
  private final Map<String, Long> beats = new ConcurrentHashMap<>();

  private SharedStorage() throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.connections =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "demo-storage");
              t.setDaemon(true);
              return t;
            });
    connections.execute(this::acceptLoop);
  }

  /** Starts serving heartbeats. */
  static SharedStorage start() throws IOException {
    return new SharedStorage();
  }

  int port() {
    return server.getLocalPort();
  }

  /** When the member's last heartbeat arrived, on this process's monotonic clock. */
  OptionalLong lastBeatNanos(String member) {
    Long at = beats.get(member);
    return at == null ? OptionalLong.empty() : OptionalLong.of(at);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.execute(() -> serve(socket));
      } catch (IOException e) {
        if (!server.isClosed()) {
          throw new UncheckedIOException("shared storage stopped accepting", e);
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out =
            new PrintWriter(
                new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(answer(line));
      }
    } catch (IOException e) {
      // The writer went away (a VM killed by the power switch): nothing to answer any more.
    }
  }

  private String answer(String line) {
    String[] parts = line.split(" ");
    if (parts[0].equals("BEAT") && parts.length == 2 && NAME.matcher(parts[1]).matches()) {
      beats.put(parts[1], System.nanoTime());
      return "OK";
    }
    return "ERROR expected 'BEAT <member>' (member: 1-32 of a-z 0-9 -), got: " + line;
  }

  @Override
  public void close() throws IOException {
    server.close();
    connections.shutdownNow();
  }
}
