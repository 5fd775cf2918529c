package dev.quorate.reliability;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection through a {@link FaultProxy}. It forwards whole ZooKeeper frames (a 4-byte
 * length, then the body), so it can read the request type and the xid that pairs a reply with its
 * request. The first frame each way is the session handshake, which has no header.
 */
final class ProxiedConnection {
  private static final int OP_CREATE = 1;
  private static final int OP_CREATE2 = 15;
  private static final int OP_CREATE_TTL = 21;
  private static final int NO_XID = Integer.MIN_VALUE;

  private final FaultProxy proxy;
  private final Socket client;
  private final InetSocketAddress upstream;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Socket server;
  private volatile boolean tainted;
  private volatile int doomedXid = NO_XID;

  ProxiedConnection(FaultProxy proxy, Socket client, InetSocketAddress upstream) {
    this.proxy = proxy;
    this.client = client;
    this.upstream = upstream;
  }

  void start() {
    if (upstream == null) {
      // Accepted while cut: hold the socket and say nothing until the heal closes it.
      tainted = true;
      daemon(() -> drain(client), "proxy-held");
      return;
    }
    try {
      server = new Socket();
      server.connect(upstream, 3_000);
      server.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
    } catch (IOException e) {
      close(); // the server is down: the client sees a refused connection, as without us
      return;
    }
    daemon(this::clientToServer, "proxy-c2s");
    daemon(this::serverToClient, "proxy-s2c");
  }

  boolean tainted() {
    return tainted;
  }

  /** Decides about one frame after the handshake: true to forward it, false to drop it. */
  private interface FrameFilter {
    boolean forward(ByteBuffer body);
  }

  private void clientToServer() {
    pump(
        client,
        server,
        body -> {
          int xid = body.getInt();
          int type = body.getInt();
          boolean create = type == OP_CREATE || type == OP_CREATE2 || type == OP_CREATE_TTL;
          if (create && proxy.claimCreate()) {
            doomedXid = xid;
          }
          return true;
        });
  }

  private void serverToClient() {
    pump(
        server,
        client,
        body -> {
          if (doomedXid != NO_XID && body.getInt() == doomedXid) {
            // The server has done the create; the client must never hear of it.
            proxy.createReplyDropped();
            return false;
          }
          return true;
        });
  }

  /** Forwards frames from one side to the other until either closes or the filter drops one. */
  private void pump(Socket from, Socket to, FrameFilter filter) {
    try {
      DataInputStream in = new DataInputStream(from.getInputStream());
      OutputStream out = to.getOutputStream();
      boolean handshake = true;
      while (true) {
        byte[] frame = frame(in);
        if (proxy.isCut()) {
          tainted = true;
          continue;
        }
        if (!handshake
            && frame.length >= 12
            && !filter.forward(ByteBuffer.wrap(frame, 4, frame.length - 4))) {
          close();
          return;
        }
        handshake = false;
        out.write(frame);
        out.flush();
      }
    } catch (IOException e) {
      close();
    }
  }

  /** Reads one frame including its length prefix. */
  private static byte[] frame(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 64 << 20) {
      throw new EOFException("not a ZooKeeper frame: length " + length);
    }
    byte[] frame = new byte[4 + length];
    ByteBuffer.wrap(frame).putInt(length);
    in.readFully(frame, 4, length);
    return frame;
  }

  private void drain(Socket socket) {
    byte[] sink = new byte[4096];
    try {
      while (socket.getInputStream().read(sink) >= 0) {
        // dropped: the partition swallows it
      }
    } catch (IOException e) {
      // closed by the heal
    }
    close();
  }

  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    proxy.forget(this);
    closeQuietly(client);
    Socket s = server;
    if (s != null) {
      closeQuietly(s);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
