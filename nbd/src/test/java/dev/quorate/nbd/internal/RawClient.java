package dev.quorate.nbd.internal;

import dev.quorate.nbd.NbdServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** A hand-driven NBD client over TCP, for input QEMU would never send. */
final class RawClient implements AutoCloseable {
  final Socket socket;
  final DataInputStream in;
  final DataOutputStream out;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  static RawClient connect(NbdServer server) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    socket.setSoTimeout(20_000); // bounds every read of a test
    return new RawClient(socket);
  }

  /** How the server names this client in its log. */
  String peer() {
    return "/127.0.0.1:" + socket.getLocalPort();
  }

  void send(Wire wire) throws IOException {
    out.write(wire.bytes());
    out.flush();
  }

  /** Handshakes into transmission on {@code exportName} with NBD_OPT_GO. */
  RawClient go(String exportName) throws IOException {
    Wire.readGreeting(in);
    send(Wire.fixedNewstyle().go(exportName));
    while (true) {
      Wire.OptionReply reply = Wire.readOptionReply(in);
      if (reply.type() == Protocol.REP_ACK) {
        return this;
      }
      if (reply.type() != Protocol.REP_INFO) {
        throw new IOException("GO " + exportName + " refused: " + reply.text());
      }
    }
  }

  Wire.SimpleReply request(Wire wire) throws IOException {
    send(wire);
    return Wire.readSimpleReply(in);
  }

  /** Whether the server closed the connection (reads end of stream). */
  boolean closedByServer() throws IOException {
    return in.read() < 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
