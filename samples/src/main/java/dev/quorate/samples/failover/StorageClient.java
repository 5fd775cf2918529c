package dev.quorate.samples.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A connection to {@link SharedStorage}, for the members of scenario 2. Not thread-safe. */
final class StorageClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final PrintWriter out;

  StorageClient(int port, Duration timeout) throws IOException {
    this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout((int) timeout.toMillis());
    this.in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out =
        new PrintWriter(
            new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
  }

  /** Sends a heartbeat of a cluster member. */
  void beat(String member) throws IOException {
    String answer = ask("BEAT " + member);
    if (!answer.equals("OK")) {
      throw new IOException("shared storage refused the heartbeat: " + answer);
    }
  }

  private String ask(String request) throws IOException {
    out.println(request);
    String answer = in.readLine();
    if (answer == null) {
      throw new IOException("shared storage closed the connection");
    }
    return answer;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
