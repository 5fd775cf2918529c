package dev.quorate.samples.failover;

import dev.quorate.nbd.ExportName;
import dev.quorate.qdisk.BlockDevice;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The quorum disk as a host reaches it: an export of the demo's NBD server, over the host's own
 * link (an iSCSI LUN in a real cluster), so that a host cut off from the network is cut off from
 * the quorum disk too. A minimal NBD client (fixed newstyle, {@code NBD_OPT_EXPORT_NAME}, read,
 * write with FUA); one request at a time. A failed request closes the connection, and the next one
 * connects again: the quorum disk's engine bounds each I/O and decides what a failure means.
 */
final class NbdDisk implements BlockDevice {
  private static final long NBDMAGIC = 0x4e42444d41474943L;
  private static final long IHAVEOPT = 0x49484156454F5054L;
  private static final int CLIENT_FIXED_NEWSTYLE_NO_ZEROES = 0b11;
  private static final int OPT_EXPORT_NAME = 1;
  private static final int REQUEST_MAGIC = 0x25609513;
  private static final int REPLY_MAGIC = 0x67446698;
  private static final short CMD_READ = 0;
  private static final short CMD_WRITE = 1;
  private static final short CMD_DISC = 2;
  private static final short FLAG_FUA = 1;

  private final InetSocketAddress server;
  private final ExportName export;
  private final int timeoutMillis;
  private Socket socket;
  private DataInputStream in;
  private DataOutputStream out;
  private long size = -1;
  private long handle;

  private NbdDisk(InetSocketAddress server, ExportName export, Duration timeout) {
    this.server = server;
    this.export = export;
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
  }

  /**
   * Opens {@code export} on the NBD server at {@code address} ({@code host:port}); every connect
   * and reply waits at most {@code timeout}.
   *
   * @throws IOException if the server cannot be reached or refuses the export
   */
  static NbdDisk open(String address, ExportName export, Duration timeout) throws IOException {
    int colon = address.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("NBD server '" + address + "' is not <host>:<port>");
    }
    NbdDisk disk =
        new NbdDisk(
            new InetSocketAddress(
                address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
            export,
            timeout);
    synchronized (disk) {
      disk.connected();
    }
    return disk;
  }

  @Override
  public String name() {
    return "nbd://" + server.getHostString() + ":" + server.getPort() + "/" + export;
  }

  @Override
  public synchronized long size() throws IOException {
    connected();
    return size;
  }

  @Override
  public synchronized void read(long offset, ByteBuffer dst) throws IOException {
    int length = dst.remaining();
    request(CMD_READ, (short) 0, offset, length, null);
    byte[] data = new byte[length];
    in.readFully(data);
    dst.put(data);
  }

  @Override
  public synchronized void write(long offset, ByteBuffer src) throws IOException {
    byte[] data = new byte[src.remaining()];
    src.get(data);
    request(CMD_WRITE, FLAG_FUA, offset, data.length, data);
  }

  /** Sends one request and reads its reply's header; a failure closes the connection. */
  private void request(short type, short flags, long offset, int length, byte[] payload)
      throws IOException {
    connected();
    long sent = ++handle;
    try {
      out.writeInt(REQUEST_MAGIC);
      out.writeShort(flags);
      out.writeShort(type);
      out.writeLong(sent);
      out.writeLong(offset);
      out.writeInt(length);
      if (payload != null) {
        out.write(payload);
      }
      out.flush();
      int magic = in.readInt();
      int error = in.readInt();
      long answered = in.readLong();
      if (magic != REPLY_MAGIC || answered != sent) {
        throw new IOException(
            String.format(
                "%s: reply magic 0x%08x for handle %d, expected 0x%08x for %d",
                name(), magic, answered, REPLY_MAGIC, sent));
      }
      if (error != 0) {
        throw new IOException(
            name() + ": the server answered error " + error + " at offset " + offset);
      }
    } catch (IOException e) {
      disconnect();
      throw e;
    }
  }

  private void connected() throws IOException {
    if (socket != null) {
      return;
    }
    Socket s = new Socket();
    try {
      s.connect(server, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      s.setTcpNoDelay(true);
      DataInputStream i = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
      if (i.readLong() != NBDMAGIC || i.readLong() != IHAVEOPT) {
        throw new IOException(name() + ": not an NBD server speaking fixed newstyle");
      }
      i.readShort(); // the server's flags: fixed newstyle and no zeroes, asked for below
      o.writeInt(CLIENT_FIXED_NEWSTYLE_NO_ZEROES);
      byte[] exportName = export.toString().getBytes(StandardCharsets.UTF_8);
      o.writeLong(IHAVEOPT);
      o.writeInt(OPT_EXPORT_NAME);
      o.writeInt(exportName.length);
      o.write(exportName);
      o.flush();
      // A refused export name has no error reply: the server closes the connection.
      size = i.readLong();
      i.readShort(); // transmission flags
      socket = s;
      in = i;
      out = o;
    } catch (IOException e) {
      s.close();
      throw new IOException(name() + ": cannot open: " + e.getMessage(), e);
    }
  }

  private void disconnect() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      // Closing a broken connection: nothing more to learn from it.
    }
    socket = null;
  }

  @Override
  public synchronized void close() throws IOException {
    if (socket != null) {
      try {
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(0);
        out.writeShort(CMD_DISC);
        out.writeLong(++handle);
        out.writeLong(0);
        out.writeInt(0);
        out.flush();
      } finally {
        disconnect();
      }
    }
  }
}
