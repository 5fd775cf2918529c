package dev.quorate.nbd.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on its own thread: handshake, then transmission, then close. Deadlines run
 * on a shared timer that closes the socket, which unblocks the connection's thread.
 */
final class Connection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  private static final int STREAM_BUFFER = 64 << 10;

  private final SocketChannel channel;
  private final String peer;
  private final Map<String, Export> exports;
  private final ServerConfig config;
  private final ScheduledExecutorService timer;
  private final Consumer<Connection> onClose;
  private volatile String expired;

  Connection(
      SocketChannel channel,
      String peer,
      Map<String, Export> exports,
      ServerConfig config,
      ScheduledExecutorService timer,
      Consumer<Connection> onClose) {
    this.channel = channel;
    this.peer = peer;
    this.exports = exports;
    this.config = config;
    this.timer = timer;
    this.onClose = onClose;
  }

  String peer() {
    return peer;
  }

  @Override
  public void run() {
    try {
      DataInputStream in =
          new DataInputStream(
              new BufferedInputStream(Channels.newInputStream(channel), STREAM_BUFFER));
      DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(Channels.newOutputStream(channel), STREAM_BUFFER));
      ScheduledFuture<?> handshakeDeadline =
          expireAfter(config.handshakeTimeout(), "handshake not finished");
      Optional<ExportHandle> opened;
      try {
        opened = new Handshake(exports, config.maxRequestBytes(), peer).run(in, out);
      } finally {
        handshakeDeadline.cancel(false);
      }
      if (opened.isPresent()) {
        try (ExportHandle handle = opened.get()) {
          new Transmission(handle, config.maxRequestBytes(), new Deadline()).run(in, out);
        }
      }
    } catch (ProtocolViolation e) {
      LOG.warn("{}: protocol violation, closing: {}", peer, e.getMessage());
    } catch (EOFException e) {
      LOG.warn("{}: connection ended in the middle of a message; nothing of it was applied", peer);
    } catch (IOException e) {
      if (expired != null) {
        LOG.warn("{}: {}, closed", peer, expired);
      } else {
        LOG.info("{}: connection failed: {}", peer, e.toString());
      }
    } catch (RuntimeException e) {
      LOG.error("{}: unexpected failure, closing", peer, e);
    } finally {
      close();
      onClose.accept(this);
    }
  }

  private ScheduledFuture<?> expireAfter(Duration timeout, String what) {
    return timer.schedule(
        () -> {
          expired = what + " within " + timeout;
          close();
        },
        timeout.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** The deadline of one request: armed at its first byte, disarmed when all of it arrived. */
  private final class Deadline implements Transmission.RequestDeadline {
    private ScheduledFuture<?> pending;

    @Override
    public void arm() {
      pending = expireAfter(config.requestTimeout(), "request not received whole");
    }

    @Override
    public void disarm() {
      pending.cancel(false);
    }
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("{}: closing the socket failed", peer, e);
    }
  }
}
