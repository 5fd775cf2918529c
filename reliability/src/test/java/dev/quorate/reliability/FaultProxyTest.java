package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy against a stand-in server that speaks ZooKeeper's framing: a handshake frame, then
 * requests {xid, type} answered by replies {xid, zxid, err}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultProxyTest {
  private ServerSocket server;
  private final AtomicInteger creates = new AtomicInteger();
  private FaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serve);
    t.setDaemon(true);
    t.start();
    proxy = new FaultProxy(server.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    server.close();
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t =
            new Thread(
                () -> {
                  try (s) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    in.readFully(new byte[in.readInt()]); // handshake
                    out.writeInt(4);
                    out.writeInt(0);
                    while (true) {
                      byte[] body = new byte[in.readInt()];
                      in.readFully(body);
                      ByteBuffer b = ByteBuffer.wrap(body);
                      int xid = b.getInt();
                      if (b.getInt() == 15) {
                        creates.incrementAndGet();
                      }
                      out.writeInt(16);
                      out.writeInt(xid);
                      out.writeLong(1);
                      out.writeInt(0);
                    }
                  } catch (IOException e) {
                    // client gone
                  }
                });
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static final class Client implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    Client(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(2000);
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(4);
      out.writeInt(0);
      in.readFully(new byte[in.readInt()]);
    }

    /** Sends one request; returns the xid of the reply. */
    int call(int xid, int type) throws IOException {
      out.writeInt(8);
      out.writeInt(xid);
      out.writeInt(type);
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      return ByteBuffer.wrap(body).getInt();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void forwardsRequestsAndReplies() throws IOException {
    try (Client c = new Client(proxy.port())) {
      assertThat(c.call(1, 4)).isEqualTo(1);
      assertThat(c.call(2, 15)).isEqualTo(2);
    }
  }

  @Test
  void aCutConnectionStaysOpenButSilentUntilHealed() throws IOException {
    try (Client c = new Client(proxy.port())) {
      proxy.cut();
      assertThatThrownBy(() -> c.call(1, 4)).isInstanceOf(SocketTimeoutException.class);
      proxy.heal();
      // The connection lost bytes, so the heal closes it; a new one works.
      assertThatThrownBy(() -> c.call(2, 4)).isInstanceOf(IOException.class);
    }
    try (Client fresh = new Client(proxy.port())) {
      assertThat(fresh.call(3, 4)).isEqualTo(3);
    }
  }

  @Test
  void theArmedProxyLetsTheCreateThroughAndDropsOnlyItsReply() throws IOException {
    try (Client c = new Client(proxy.port())) {
      proxy.loseNextCreateReply();
      assertThat(c.call(1, 4)).as("not a create: answered").isEqualTo(1);
      assertThatThrownBy(() -> c.call(2, 15)).isInstanceOf(IOException.class);
    }
    assertThat(proxy.createReplyLost()).isTrue();
    assertThat(creates.get()).as("the server did the create").isEqualTo(1);
    try (Client next = new Client(proxy.port())) {
      assertThat(next.call(3, 15)).as("armed once only").isEqualTo(3);
    }
  }
}
