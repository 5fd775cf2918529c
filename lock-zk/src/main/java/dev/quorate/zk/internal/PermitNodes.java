package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
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
                // The container reaped in between: a NONODE answer makes it again, a few times.
                BackgroundCalls.send(
                    path,
                    attempt < CREATE_ATTEMPTS
                        ? KeeperException.Code.NONODE
                        : KeeperException.Code.OK,
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
              if (BackgroundCalls.code(reply) == KeeperException.Code.NONODE) {
                return create(label, attempt + 1);
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
    return BackgroundCalls.send(
            path,
            KeeperException.Code.NONODE,
            callback -> client.getData().inBackground(callback).forPath(path))
        .thenCompose(
            read -> {
              if (BackgroundCalls.code(read) != KeeperException.Code.NONODE) {
                return checked(read);
              }
              byte[] ours = ("permits=" + permits).getBytes(StandardCharsets.UTF_8);
              return BackgroundCalls.send(
                      path,
                      KeeperException.Code.NODEEXISTS,
                      callback -> {
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
                        if (BackgroundCalls.code(made) == KeeperException.Code.OK) {
                          return CompletableFuture.completedFuture(null);
                        }
                        // Made by another member in between.
                        return BackgroundCalls.send(
                                path, cb -> client.getData().inBackground(cb).forPath(path))
                            .thenCompose(this::checked);
                      });
            });
  }

  /** Checks the permits that the container's data, read OK, records. */
  private CompletableFuture<Void> checked(CuratorEvent read) {
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
    return BackgroundCalls.send(
            path,
            KeeperException.Code.NONODE,
            callback ->
                client.getChildren().usingWatcher(watcher).inBackground(callback).forPath(path))
        .thenApply(
            reply ->
                BackgroundCalls.code(reply) == KeeperException.Code.OK
                    ? reply.getChildren()
                    : List.<String>of());
  }

  /**
   * Reads the Stat of {@code node}, leaving {@code watcher} on it if not null; null if it is gone.
   */
  CompletableFuture<Stat> stat(String node, Watcher watcher) {
    return BackgroundCalls.send(
            node,
            KeeperException.Code.NONODE,
            callback ->
                (watcher == null
                        ? client.checkExists()
                        : client.checkExists().usingWatcher(watcher))
                    .inBackground(callback)
                    .forPath(node))
        .thenApply(CuratorEvent::getStat);
  }

  /** Writes an elected candidate's announcement, if {@code node} is still at {@code version}. */
  CompletableFuture<Void> announce(String node, int version, byte[] data) {
    return BackgroundCalls.send(
            node,
            callback ->
                client.setData().withVersion(version).inBackground(callback).forPath(node, data))
        .thenApply(reply -> null);
  }
}
