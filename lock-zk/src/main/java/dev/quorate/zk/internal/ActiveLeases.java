package dev.quorate.zk.internal;

import dev.quorate.lock.Lease;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's leases that are not over, and the connection as they see it: each connection state
 * reaches every lease in the order it happened; a lease leaves the set when it ends.
 */
final class ActiveLeases {
  private static final Logger log = LoggerFactory.getLogger(ActiveLeases.class);

  private final CuratorFramework client;
  private final Duration operationTimeout;
  private final Set<ZkLease> active = ConcurrentHashMap.newKeySet();

  /** Completed when the connection is suspended or lost; a fresh one once it is back. */
  private volatile CompletableFuture<Void> connectionDown = new CompletableFuture<>();

  ActiveLeases(CuratorFramework client, Duration operationTimeout) {
    this.client = client;
    this.operationTimeout = operationTimeout;
  }

  /** Adds {@code lease} until it ends. */
  void add(ZkLease lease) {
    active.add(lease);
    lease.ended().thenRun(() -> active.remove(lease));
  }

  /** Tells every lease of a connection state; called in the order the states happened. */
  void connectionChanged(CuratorFramework source, ConnectionState state) {
    log.debug("connection state {}", state);
    switch (state) {
      case SUSPENDED, LOST -> connectionDown.complete(null);
      case CONNECTED, RECONNECTED -> {
        if (connectionDown.isDone()) {
          connectionDown = new CompletableFuture<>();
        }
      }
      default -> {}
    }
    for (ZkLease lease : active) {
      lease.connection(state);
    }
  }

  /**
   * Waits for ZooKeeper's answer to an operation sent for {@code lease}, while the connection is up
   * and at most the operation timeout: never for a connection that is suspended or lost.
   */
  void awaitWhileConnected(CompletableFuture<Void> answered, Lease lease) {
    CompletableFuture<Void> down = connectionDown;
    if (down.isDone() || !client.getZookeeperClient().isConnected()) {
      return;
    }
    try {
      CompletableFuture.anyOf(answered, down).get(operationTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // It goes on in the background; the lease is over for the holder already.
      log.warn("release of {} still in progress after {}", lease, operationTimeout, e);
    }
  }

  /** Closes every lease with the manager; waits at most the operation timeout. */
  void closeAll() {
    List<CompletableFuture<Void>> done = active.stream().map(ZkLease::closeByManager).toList();
    try {
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
          .get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("lock manager closed before every lock node was deleted", e);
    }
  }
}
