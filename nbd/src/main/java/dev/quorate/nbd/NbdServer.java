package dev.quorate.nbd;

import java.net.InetSocketAddress;

/**
 * A network block device (NBD) server whose exports are plain files guarded by fencing tokens: the
 * disk of a virtual machine, which checks nothing itself, still rejects a stale holder.
 *
 * <p>A client opens an export with the token of its lease in the export name ({@link ExportName},
 * e.g. {@code nbd://10.0.0.5:10809/vm-web-1@4294967302.0}). The export's {@link
 * dev.quorate.lock.TokenGuard} decides:
 *
 * <ul>
 *   <li>a token older than the newest accepted one is refused at the open;
 *   <li>a newer token revokes every connection with an older one: from that moment each of their
 *       requests, including writes received but not yet applied, fails with {@code EPERM}, and no
 *       write of theirs lands after the newer open was accepted (writes are applied whole under the
 *       guard, so a revoked write is never half-written);
 *   <li>an equal token is accepted (the same lease reconnecting);
 *   <li>a standby open ({@link ExportName#standby}, the destination of a live migration) revokes
 *       nothing until its first write, which preempts as an open would.
 * </ul>
 *
 * This is the "preempt" of SCSI-3 persistent reservations, on plain files. With a persistent guard
 * (the default: {@code <image>.token} next to the image) a restarted server still refuses every
 * token older than the newest it ever accepted.
 *
 * <pre>{@code
 * try (NbdServer server =
 *     NbdServer.builder()
 *         .bind(new InetSocketAddress("127.0.0.1", 10809))
 *         .export("vm-web-1", Path.of("/srv/disks/vm-web-1.img"))
 *         .build()) {
 *   server.start();
 *   // qemu-system-x86_64 -drive file=nbd://127.0.0.1:10809/vm-web-1@42.0,format=raw ...
 * }
 * }</pre>
 *
 * <p>The server speaks the fixed newstyle handshake ({@code NBD_OPT_GO}, {@code INFO}, {@code
 * EXPORT_NAME}, {@code LIST}, {@code ABORT}) and simple replies to {@code READ}, {@code WRITE}
 * (with {@code FUA}), {@code FLUSH}, {@code TRIM} and {@code DISC}; one thread serves each
 * connection, and every request is bounded (see {@link NbdServerBuilder}).
 */
public interface NbdServer extends AutoCloseable {
  /**
   * Starts a builder.
   *
   * @return a new builder with the defaults documented on its methods
   */
  static NbdServerBuilder builder() {
    return new NbdServerBuilder();
  }

  /**
   * Binds the listening socket, opens the export files and starts accepting clients.
   *
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#IO_FAILURE} if
   *     the address cannot be bound or an export file cannot be opened, or {@link
   *     dev.quorate.lock.ErrorCode#CLOSED} if the server was started or closed before
   */
  void start();

  /**
   * Returns the address the server listens on; with port 0 in the builder, the port chosen.
   *
   * @return the bound address
   * @throws IllegalStateException if the server is not started
   */
  InetSocketAddress address();

  /**
   * Returns the port the server listens on.
   *
   * @return the bound port
   * @throws IllegalStateException if the server is not started
   */
  default int port() {
    return address().getPort();
  }

  /**
   * Stops accepting, closes every connection (their requests in progress finish or fail) and the
   * export files. Idempotent.
   */
  @Override
  void close();
}
