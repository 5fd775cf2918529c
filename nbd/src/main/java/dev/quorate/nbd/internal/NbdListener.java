package dev.quorate.nbd.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.nbd.NbdServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link NbdServer}: an accept thread, one thread per connection, a deadline timer. */
public final class NbdListener implements NbdServer {
  private static final Logger LOG = LoggerFactory.getLogger(NbdListener.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final ServerConfig config;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final Map<String, Export> exports = new LinkedHashMap<>();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private ServerSocketChannel server;
  private InetSocketAddress address;
  private ThreadPoolExecutor workers;
  private ScheduledThreadPoolExecutor timer;
  private Thread acceptor;

  /**
   * Creates the server; nothing is opened before {@link #start()}.
   *
   * @param config the validated configuration
   */
  public NbdListener(ServerConfig config) {
    this.config = config;
  }

  @Override
  public void start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new QuorateException(
          ErrorCode.CLOSED, "NBD server was already " + state.get().name().toLowerCase());
    }
    try {
      for (ServerConfig.ExportSpec spec : config.exports()) {
        exports.put(spec.name(), Export.open(spec));
      }
      server = ServerSocketChannel.open();
      server.bind(config.bind(), 64);
      address = (InetSocketAddress) server.getLocalAddress();
    } catch (IOException | RuntimeException e) {
      close();
      if (e instanceof QuorateException) {
        throw (QuorateException) e;
      }
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot listen on " + config.bind() + ": " + e.getMessage(), e);
    }
    AtomicInteger ids = new AtomicInteger();
    workers =
        new ThreadPoolExecutor(
            0,
            config.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> daemon(task, "nbd-" + address.getPort() + "-conn-" + ids.incrementAndGet()));
    timer = new ScheduledThreadPoolExecutor(1, task -> daemon(task, "nbd-deadlines"));
    timer.setRemoveOnCancelPolicy(true);
    acceptor = daemon(this::acceptLoop, "nbd-" + address.getPort() + "-accept");
    acceptor.start();
    LOG.info("NBD server listening on {} with exports {}", address, exports.values());
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private void acceptLoop() {
    while (state.get() == State.STARTED) {
      SocketChannel channel;
      String peer;
      try {
        channel = server.accept();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        peer = String.valueOf(channel.getRemoteAddress());
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (state.get() == State.STARTED) {
          LOG.error("NBD server on {}: accept failed", address, e);
        }
        continue;
      }
      Connection connection =
          new Connection(channel, peer, exports, config, timer, connections::remove);
      connections.add(connection);
      try {
        workers.execute(connection);
      } catch (RejectedExecutionException e) {
        LOG.warn(
            "NBD server on {}: refusing {}: {} connections open, the maximum",
            address,
            peer,
            config.maxConnections());
        connection.close();
        connections.remove(connection);
      }
    }
  }

  @Override
  public InetSocketAddress address() {
    if (address == null) {
      throw new IllegalStateException("the NBD server is not started");
    }
    return address;
  }

  @Override
  public void close() {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      LOG.warn("NBD server on {}: closing the listening socket failed", address, e);
    }
    connections.forEach(Connection::close);
    if (workers != null) {
      workers.shutdown();
      awaitQuietly(workers);
      timer.shutdownNow();
    }
    if (acceptor != null) {
      try {
        acceptor.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Export export : exports.values()) {
      try {
        export.close();
      } catch (IOException e) {
        LOG.warn("NBD server: closing {} failed", export, e);
      }
    }
    LOG.info("NBD server on {} closed", address);
  }

  private static void awaitQuietly(ThreadPoolExecutor workers) {
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("NBD server: connection threads still running 5 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NbdServer[" + (address == null ? config.bind() : address) + ", " + state.get() + "]";
  }
}
