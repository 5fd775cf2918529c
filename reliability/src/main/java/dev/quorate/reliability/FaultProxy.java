package dev.quorate.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy between one lock client and one ZooKeeper server that the nemesis can turn against
 * the client. {@link #cut()} stops forwarding without closing anything, as a partition does: the
 * client hears nothing and its session times out. {@link #loseNextCreateReply()} lets the next
 * create request through and drops the server's reply to it, then closes the connection: the node
 * exists, but the client does not know it.
 */
final class FaultProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean cut = new AtomicBoolean();
  private final AtomicBoolean createReplyArmed = new AtomicBoolean();
  private final AtomicBoolean createReplyLost = new AtomicBoolean();

  FaultProxy(int upstreamPort) throws IOException {
    this(
        InetAddress.getLoopbackAddress(),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
  }

  /** A proxy listening on a free port of {@code listen}, forwarding to {@code upstream}. */
  FaultProxy(InetAddress listen, InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 50, listen);
    Thread t = new Thread(this::accept, "proxy-" + upstream);
    t.setDaemon(true);
    t.start();
  }

  InetAddress address() {
    return listener.getInetAddress();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        ProxiedConnection c = new ProxiedConnection(this, client, cut.get() ? null : upstream);
        connections.add(c);
        c.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Stops forwarding in both directions; connections stay open and silent. */
  void cut() {
    cut.set(true);
  }

  /** Forwards again; connections that lost bytes while cut are closed, so clients reconnect. */
  void heal() {
    cut.set(false);
    for (ProxiedConnection c : connections) {
      if (c.tainted()) {
        c.close();
      }
    }
  }

  void loseNextCreateReply() {
    createReplyLost.set(false);
    createReplyArmed.set(true);
  }

  void disarm() {
    createReplyArmed.set(false);
  }

  boolean createReplyLost() {
    return createReplyLost.get();
  }

  boolean isCut() {
    return cut.get();
  }

  /** Called by a connection that forwards a create: true if it must lose the reply. */
  boolean claimCreate() {
    return createReplyArmed.compareAndSet(true, false);
  }

  void createReplyDropped() {
    createReplyLost.set(true);
  }

  void forget(ProxiedConnection c) {
    connections.remove(c);
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (ProxiedConnection c : connections) {
      c.close();
    }
  }
}
