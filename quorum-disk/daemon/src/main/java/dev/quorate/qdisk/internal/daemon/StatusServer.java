package dev.quorate.qdisk.internal.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.internal.json.Json;
import dev.quorate.qdisk.QuorumDisk;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Serves {@code /status} (JSON) and {@code /metrics} (Prometheus text, from the daemon's one
 * Micrometer registry) on 127.0.0.1 only; both answer GET (and HEAD) only.
 */
final class StatusServer implements AutoCloseable {
  private final HttpServer server;

  StatusServer(int port, QuorumDisk qdisk, PrometheusMeterRegistry metrics) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try {
      server = HttpServer.create(address, 8);
    } catch (BindException e) {
      throw new ConfigurationException(
          "status.port "
              + port
              + ": cannot listen on "
              + address.getAddress().getHostAddress()
              + ":"
              + port
              + " ("
              + e.getMessage()
              + ")");
    }
    server.createContext(
        "/status",
        ex ->
            answer(
                ex,
                "application/json",
                () -> Json.write(StatusRender.map(qdisk.status(), 1, System.nanoTime()))));
    server.createContext(
        "/metrics", ex -> answer(ex, "text/plain; version=0.0.4; charset=utf-8", metrics::scrape));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, String type, Supplier<String> body)
      throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      if (method.equals("HEAD")) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
