package dev.quorate.qdisk.internal.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quorate.qdisk.QuorumDisk;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Serves {@code /status} (JSON) and {@code /metrics} (Prometheus text) on 127.0.0.1 only. */
final class StatusServer implements AutoCloseable {
  private final HttpServer server;

  StatusServer(int port, QuorumDisk qdisk) throws IOException {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
    } catch (java.net.BindException e) {
      throw new java.net.BindException(
          "status.port " + port + " on 127.0.0.1: " + e.getMessage() + "; choose a free port");
    }
    server.createContext(
        "/status",
        ex -> send(ex, "application/json", Json.write(StatusRender.map(qdisk.status(), 1))));
    server.createContext(
        "/metrics",
        ex -> send(ex, "text/plain; version=0.0.4", StatusRender.prometheus(qdisk.status(), 1)));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
