package dev.quorate.reliability;

import dev.quorate.lock.FencingToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client's connection to the {@link ResourceServer}. Not thread-safe: one per thread. */
final class ResourceConnection implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final PrintWriter out;

  ResourceConnection(InetAddress host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(60_000);
    socket.setTcpNoDelay(true);
    in =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII);
  }

  /** Asks for one increment; returns the new value, or -1 if the token was refused as stale. */
  long increment(String client, long seq, FencingToken token, int index) throws IOException {
    String reply = request("INC " + client + " " + seq + " " + token + " " + index);
    if (reply.equals("STALE")) {
      return -1;
    }
    if (!reply.startsWith("OK ")) {
      throw new IOException("resource answered '" + reply + "' to an increment");
    }
    return Long.parseLong(reply.substring(3));
  }

  /** The client that wrote last, or NONE. */
  String lastWriter() throws IOException {
    return request("WHO").split(" ")[0];
  }

  /** Arms the resource's {@link Trap}; returns the caught client, or null if none came. */
  String trap(long timeoutMillis) throws IOException {
    String reply = request("TRAP " + timeoutMillis);
    return reply.startsWith("TRAPPED ") ? reply.substring(8) : null;
  }

  void spring() throws IOException {
    request("SPRING");
  }

  void stopServer() throws IOException {
    request("STOP");
  }

  private String request(String line) throws IOException {
    out.println(line);
    String reply = in.readLine();
    if (reply == null) {
      throw new IOException("resource closed the connection after '" + line + "'");
    }
    return reply;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
