package dev.quorate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of one ZooKeeper server that can be cut: from {@link #cut()} on it closes
 * every connection and accepts none. A client behind it looks to the server like a host that died
 * (its connection drops, nothing reconnects), so its session expires on the server after the
 * session timeout and its ephemeral nodes go then, not at the cut.
 */
final class CutProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int serverPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  CutProxy(String server) throws IOException {
    this.serverPort = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "cut-proxy-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Where a client connects to reach the server through this relay. */
  String connectString() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!cut) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        sockets.add(client);
        sockets.add(server);
        if (cut) {
          closeAll();
          return;
        }
        relay(client, server);
        relay(server, client);
      } catch (IOException e) {
        return; // the listener was closed by cut()
      }
    }
  }

  private void relay(Socket from, Socket to) {
    Thread pump =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                }
              } catch (IOException e) {
                // cut, or one side closed: the other side goes too
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "cut-proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }

  /** Drops every connection and refuses new ones: the host behind it is gone. */
  void cut() {
    cut = true;
    closeQuietly(listener);
    closeAll();
  }

  private void closeAll() {
    sockets.forEach(CutProxy::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}
