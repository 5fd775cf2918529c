package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The ZooKeeper calls of a {@link ZkPermitQueue}'s claims, all sent in the background: none holds a
 * thread while it waits for its answer, so a thousand waiting claims cost a thousand watches and no
 * thread. Each returns a future completed by ZooKeeper's reply, on Curator's event thread: callers
 * continue on their own executor. A node is only ever taken as a claim's if its ephemeral owner is
 * the client's current session.
 */
final class PermitNodes {
  private static final String PREFIX = "p-";
  private static final int CREATE_ATTEMPTS = 3;

  /**
   * A claim's node.
   *
   * @param path its path
   * @param czxid its creation: the permit's token
   * @param owner the session that owns it
   */
  record Created(String path, long czxid, long owner) {}

  private final CuratorFramework client;
  private final List<ACL> acls;
  private final String path;
  private final int permits;
  private final String semaphore;

  PermitNodes(CuratorFramework client, List<ACL> acls, String path, int permits, String semaphore) {
    this.client = client;
    this.acls = acls;
    this.path = path;
    this.permits = permits;
    this.semaphore = semaphore;
  }

  /**
   * Checks the permits the container records (making it if there is none), then creates the claim's
   * ephemeral-sequential node. Protected: if the reply is lost, Curator finds the node by its UUID
   * prefix instead of creating a second one. A node that a session since ended made (the create
   * raced an expiry) is not ours: it is made again in the current session.
   */
  CompletableFuture<Created> create(String label) {
    return create(label.getBytes(StandardCharsets.UTF_8), 1);
  }

  private CompletableFuture<Created> create(byte[] label, int attempt) {
    return checkPermits()
        .thenCompose(
            checked ->
                send(
                    callback -> {
                      var create =
                          client
                              .create()
                              .withProtection()
                              .withMode(CreateMode.EPHEMERAL_SEQUENTIAL);
                      (acls == null ? create : create.withACL(acls))
                          .inBackground(callback)
                          .forPath(path + "/" + PREFIX, label);
                    }))
        .thenCompose(
            reply -> {
              KeeperException.Code code = code(reply);
              if (code == KeeperException.Code.NONODE && attempt < CREATE_ATTEMPTS) {
                return create(label, attempt + 1); // the container was reaped in between
              }
              if (code != KeeperException.Code.OK) {
                return CompletableFuture.failedFuture(KeeperException.create(code, path));
              }
              Stat stat = reply.getStat();
              if (stat != null && stat.getCzxid() != 0) {
                return owned(reply.getName(), stat, label, attempt);
              }
              // Found by its protection after a lost reply: Curator gives no Stat; read it.
              return stat(reply.getName(), null)
                  .thenCompose(found -> owned(reply.getName(), found, label, attempt));
            });
  }

  private CompletableFuture<Created> owned(String node, Stat stat, byte[] label, int attempt) {
    long session = CuratorClients.sessionId(client);
    if (stat != null && stat.getEphemeralOwner() == session) {
      return CompletableFuture.completedFuture(new Created(node, stat.getCzxid(), session));
    }
    if (attempt < CREATE_ATTEMPTS) {
      return create(label, attempt + 1); // gone with its session, or about to be
    }
    return CompletableFuture.failedFuture(
        new QuorateException(
            ErrorCode.CONNECTION_LOSS,
            "ZooKeeper session changed while creating "
                + node
                + " (owner "
                + (stat == null ? "none" : Long.toHexString(stat.getEphemeralOwner()))
                + ", session "
                + Long.toHexString(session)
                + ")"));
  }

  /**
   * Checks the number of permits the container records, making the container first if there is
   * none. Read first: a create that finds the node costs a quorum write all the same.
   */
  private CompletableFuture<Void> checkPermits() {
    return send(callback -> client.getData().inBackground(callback).forPath(path))
        .thenCompose(
            read -> {
              if (code(read) != KeeperException.Code.NONODE) {
                return checked(read);
              }
              byte[] ours = ("permits=" + permits).getBytes(StandardCharsets.UTF_8);
              return send(callback -> {
                    var create =
                        client
                            .create()
                            .creatingParentContainersIfNeeded()
                            .withMode(CreateMode.CONTAINER);
                    (acls == null ? create : create.withACL(acls, true))
                        .inBackground(callback)
                        .forPath(path, ours);
                  })
                  .thenCompose(
                      made -> {
                        KeeperException.Code code = code(made);
                        if (code == KeeperException.Code.OK) {
                          return CompletableFuture.completedFuture(null);
                        }
                        if (code != KeeperException.Code.NODEEXISTS) {
                          return CompletableFuture.failedFuture(KeeperException.create(code, path));
                        }
                        // Made by another member in between.
                        return send(cb -> client.getData().inBackground(cb).forPath(path))
                            .thenCompose(this::checked);
                      });
            });
  }

  private CompletableFuture<Void> checked(CuratorEvent read) {
    KeeperException.Code code = code(read);
    if (code != KeeperException.Code.OK) {
      return CompletableFuture.failedFuture(KeeperException.create(code, path));
    }
    String text = new String(read.getData(), StandardCharsets.UTF_8);
    if (!text.matches("permits=[0-9]{1,9}")) {
      return CompletableFuture.failedFuture(
          new QuorateException(
              ErrorCode.CORRUPT_DATA,
              "node " + path + " of semaphore '" + semaphore + "' holds '" + text + "'"));
    }
    int other = Integer.parseInt(text.substring("permits=".length()));
    if (other != permits) {
      return CompletableFuture.failedFuture(ZkRecipes.disagreement(semaphore, other, permits));
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Lists the claims and leaves {@code watcher} on the list; empty if there is no container. */
  CompletableFuture<List<String>> list(Watcher watcher) {
    return send(callback ->
            client.getChildren().usingWatcher(watcher).inBackground(callback).forPath(path))
        .thenCompose(
            reply -> {
              KeeperException.Code code = code(reply);
              if (code == KeeperException.Code.OK) {
                return CompletableFuture.completedFuture(reply.getChildren());
              }
              if (code == KeeperException.Code.NONODE) {
                return CompletableFuture.completedFuture(List.of());
              }
              return CompletableFuture.failedFuture(KeeperException.create(code, path));
            });
  }

  /**
   * Reads the Stat of {@code node}, leaving {@code watcher} on it if not null; null if it is gone.
   */
  CompletableFuture<Stat> stat(String node, Watcher watcher) {
    return send(callback ->
            (watcher == null ? client.checkExists() : client.checkExists().usingWatcher(watcher))
                .inBackground(callback)
                .forPath(node))
        .thenCompose(
            reply -> {
              KeeperException.Code code = code(reply);
              if (code == KeeperException.Code.OK || code == KeeperException.Code.NONODE) {
                return CompletableFuture.completedFuture(reply.getStat());
              }
              return CompletableFuture.failedFuture(KeeperException.create(code, node));
            });
  }

  /** Writes an elected candidate's announcement, if {@code node} is still at {@code version}. */
  CompletableFuture<Void> announce(String node, int version, byte[] data) {
    return send(callback ->
            client.setData().withVersion(version).inBackground(callback).forPath(node, data))
        .thenCompose(
            reply -> {
              KeeperException.Code code = code(reply);
              return code == KeeperException.Code.OK
                  ? CompletableFuture.completedFuture(null)
                  : CompletableFuture.failedFuture(KeeperException.create(code, node));
            });
  }

  /** A call that hands its callback to Curator's {@code inBackground}. */
  @FunctionalInterface
  private interface Call {
    void send(BackgroundCallback callback) throws Exception;
  }

  private static CompletableFuture<CuratorEvent> send(Call call) {
    CompletableFuture<CuratorEvent> reply = new CompletableFuture<>();
    try {
      call.send((client, event) -> reply.complete(event));
    } catch (Exception e) {
      reply.completeExceptionally(e);
    }
    return reply;
  }

  private static KeeperException.Code code(CuratorEvent event) {
    return KeeperException.Code.get(event.getResultCode());
  }
}
