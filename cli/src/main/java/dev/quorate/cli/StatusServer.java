package dev.quorate.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quorate.lock.internal.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The status page's server, on 127.0.0.1 only: the page and its script from the jar, and {@code
 * /api/status}, the newest read as {@code quorate status --json} prints it (or a {@code
 * quorate-error/1} object while the ensemble cannot be read). One thread reads the ensemble every
 * interval, however many pages poll, and owns the newest read.
 */
final class StatusServer implements AutoCloseable {
  private static final Map<String, String> FILES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/status.js", "status.js",
          "/status.css", "status.css");

  private final HttpServer http;
  private final ScheduledExecutorService reader;
  private final ExecutorService handlers;
  private final AtomicReference<String> latest = new AtomicReference<>();

  private StatusServer(HttpServer http, ScheduledExecutorService reader, ExecutorService handlers) {
    this.http = http;
    this.reader = reader;
    this.handlers = handlers;
  }

  /**
   * Reads once, then starts serving and reading every interval.
   *
   * @param port the port on 127.0.0.1, or 0 for a free one
   * @param interval how often to read
   * @param status the reader
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  static StatusServer start(int port, Duration interval, StatusReader status) throws IOException {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    } catch (IOException e) {
      throw new CommandFailure(
          ExitCode.USAGE, "cannot serve on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    ScheduledExecutorService reader =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "quorate-serve-reader"));
    ExecutorService handlers =
        Executors.newFixedThreadPool(2, r -> daemon(r, "quorate-serve-http"));
    StatusServer server = new StatusServer(http, reader, handlers);
    server.refresh(status);
    reader.scheduleWithFixedDelay(
        () -> server.refresh(status),
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    http.createContext("/", server::handle);
    http.setExecutor(handlers);
    http.start();
    return server;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  int port() {
    return http.getAddress().getPort();
  }

  private void refresh(StatusReader status) {
    try {
      latest.set(StatusJson.write(status.read()));
    } catch (CommandFailure e) {
      latest.set(
          Json.writeForPages(
              Json.object(
                  "schema", "quorate-error/1",
                  "readAt", Instant.now().toString(),
                  "exitCode", e.exitCode(),
                  "error", e.getMessage())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String host = exchange.getRequestHeaders().getFirst("Host");
      // Only pages of this origin: a rebinding DNS name pointing at 127.0.0.1 gets nothing.
      if (host == null
          || !(host.equals("127.0.0.1:" + port()) || host.equals("localhost:" + port()))) {
        send(exchange, 403, "text/plain", "forbidden host " + host);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "text/plain", "GET only");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/api/status")) {
        send(exchange, 200, "application/json", latest.get());
        return;
      }
      String file = FILES.get(path);
      if (file == null) {
        send(exchange, 404, "text/plain", "no such page: " + path);
        return;
      }
      try (InputStream in = StatusServer.class.getResourceAsStream("web/" + file)) {
        if (in == null) {
          send(exchange, 500, "text/plain", "the jar lacks web/" + file);
          return;
        }
        String type =
            file.endsWith(".html")
                ? "text/html"
                : file.endsWith(".js") ? "text/javascript" : "text/css";
        send(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  private static void send(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    reader.shutdownNow();
    handlers.shutdownNow();
  }
}
