package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The shared storage of the demo's cluster (a SAN or NAS): one disk file per VM, each behind its
 * own {@link TokenGuard}, served on a local TCP port. This is resource fencing: the disk itself
 * rejects a writer whose fencing token is older than one it has accepted, whatever that writer
 * believes about its lease.
 *
 * <p>Protocol, one line per request: {@code WRITE <disk> <token> <host> <text>} answers {@code OK}
 * or {@code STALE <highest token>}; {@code BEAT <member>} records a heartbeat and answers {@code
 * OK}.
 */
final class SharedStorage implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

  /**
   * One write the storage judged.
   *
   * @param disk the disk written
   * @param token the token shown
   * @param host the host the writer said it runs on
   * @param text what it wrote
   * @param accepted whether the guard accepted the token
   * @param highest the newest token the disk had accepted (the shown one if accepted)
   * @param atNanos when, on this process's monotonic clock
   */
  record Write(
      String disk,
      FencingToken token,
      String host,
      String text,
      boolean accepted,
      FencingToken highest,
      long atNanos) {}

  private final Path dir;
  private final Consumer<Write> listener;
  private final ServerSocket server;
  private final ExecutorService connections;
  private final Map<String, TokenGuard> guards = new ConcurrentHashMap<>();
  private final Map<String, Long> beats = new ConcurrentHashMap<>();

  private SharedStorage(Path dir, Consumer<Write> listener) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.listener = listener;
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

  /** Starts serving the disks in {@code dir}; {@code listener} sees every write, in order. */
  static SharedStorage start(Path dir, Consumer<Write> listener) throws IOException {
    return new SharedStorage(dir, listener);
  }

  int port() {
    return server.getLocalPort();
  }

  Path diskFile(String disk) {
    return dir.resolve(disk + ".disk");
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
    String[] parts = line.split(" ", 5);
    if (parts[0].equals("BEAT") && parts.length == 2 && NAME.matcher(parts[1]).matches()) {
      beats.put(parts[1], System.nanoTime());
      return "OK";
    }
    if (!parts[0].equals("WRITE") || parts.length != 5 || !NAME.matcher(parts[1]).matches()) {
      return "ERROR expected 'WRITE <disk> <token> <host> <text>' or 'BEAT <member>', got: " + line;
    }
    String disk = parts[1];
    FencingToken token;
    try {
      token = FencingToken.parse(parts[2]);
    } catch (IllegalArgumentException e) {
      return "ERROR " + e.getMessage();
    }
    String host = parts[3];
    String text = parts[4];
    TokenGuard guard = guards.computeIfAbsent(disk, d -> TokenGuard.persistent(tokenFile(d)));
    try {
      guard.access(
          token,
          () -> {
            append(disk, token + " " + host + " " + text);
            listener.accept(new Write(disk, token, host, text, true, token, System.nanoTime()));
          });
      return "OK";
    } catch (StaleTokenException e) {
      listener.accept(new Write(disk, token, host, text, false, e.highest(), System.nanoTime()));
      return "STALE " + e.highest();
    }
  }

  private Path tokenFile(String disk) {
    return dir.resolve(disk + ".token");
  }

  private void append(String disk, String entry) {
    try {
      Files.writeString(
          diskFile(disk),
          entry + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write disk " + disk, e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    connections.shutdownNow();
  }
}
