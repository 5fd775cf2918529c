package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.ACLBackgroundPathAndBytesable;
import org.apache.curator.framework.api.BackgroundPathAndBytesable;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ZooKeeper calls of the lock protocol, with ZooKeeper's failures mapped to ours. */
final class ZkNodes {
  private static final Logger log = LoggerFactory.getLogger(ZkNodes.class);
  private static final int CREATE_ATTEMPTS = 5;

  /**
   * A node we created.
   *
   * @param path the full path
   * @param name the child name
   * @param czxid the zxid of its creation: the fencing token
   * @param session the session that owns it
   */
  record Created(String path, String name, long czxid, long session) {}

  /**
   * The value block of a resource and the version to write it back with.
   *
   * @param block the value
   * @param version the container node's data version
   * @param childChanges the container's child version: how many times its queue changed
   */
  record Value(ValueBlock block, int version, int childChanges) {}

  private final ZkSession session;
  private final CuratorFramework client;
  private final SeenContainers seenContainers = new SeenContainers();

  ZkNodes(ZkSession session) {
    this.session = session;
    this.client = session.client();
  }

  /**
   * Creates an ephemeral-sequential node under {@code container}. Protected: if the reply is lost,
   * Curator finds the node by its UUID prefix instead of creating a second one, and then reports an
   * empty Stat, so the czxid is read back. A node that does not belong to the current session is
   * never taken as ours.
   */
  Created create(String container, String prefix) {
    for (int attempt = 1; ; attempt++) {
      try {
        Stat stat = new Stat();
        String path = lockNodeCreate(stat).forPath(container + "/" + prefix, session.owner());
        if (stat.getCzxid() == 0) {
          Stat found = client.checkExists().forPath(path);
          if (found == null) {
            continue; // created in a session that has since ended: the node is gone
          }
          stat = found;
        }
        if (stat.getEphemeralOwner() != session.currentId()) {
          // Made by an older session of this client that is ending: never ours to hold.
          deleteInBackground(path);
          if (attempt < CREATE_ATTEMPTS) {
            continue;
          }
          throw new QuorateException(
              ErrorCode.CONNECTION_LOSS, "ZooKeeper session changed while creating " + path);
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new Created(path, name, stat.getCzxid(), stat.getEphemeralOwner());
      } catch (QuorateException e) {
        throw e;
      } catch (Exception e) {
        throw failure("create a lock node under " + container, e);
      }
    }
  }

  /**
   * A node we created and, when the pipelined reads behind its create saw it, the queue and value
   * block as of right after the create.
   *
   * @param created the node
   * @param read the queue listing that contains the node and the value block, or null if it must be
   *     read again
   */
  record Queued(Created created, Pipelined read) {}

  /**
   * Creates our node and, without waiting for the reply, lists the queue and reads the value block
   * behind it: one round trip for what takes three one after the other. ZooKeeper answers a
   * session's requests in the order they were sent, reads after writes, so the listing sees our
   * node unless the create had to make the container first (then the read is made again). Any
   * irregular answer (no Stat, another session) goes the careful way of {@link #create}.
   */
  Queued createQueued(String container, String prefix, Watcher queueWatch) {
    CompletableFuture<org.apache.curator.framework.api.CuratorEvent> reply =
        new CompletableFuture<>();
    Pipelined read;
    try {
      seenContainers.createIfUnseen(client, container, session.acls());
      lockNodeCreate(new Stat())
          .inBackground((c, event) -> reply.complete(event))
          .forPath(container + "/" + prefix, session.owner());
      read = queueAndValueInBackground(container, queueWatch);
    } catch (Exception e) {
      throw failure("create a lock node under " + container, e);
    }
    org.apache.curator.framework.api.CuratorEvent event;
    try {
      // The three answers arrive together, in order: wake up once, for the last of them.
      await(CompletableFuture.allOf(reply, read.children(), read.value()).handle((v, e) -> v));
      event = await(reply);
    } catch (Exception e) {
      // Curator may still finish the create; a node nobody waits for must not block others.
      reply.thenAccept(
          late -> {
            if (late.getResultCode() == KeeperException.Code.OK.intValue()) {
              deleteInBackground(late.getName());
            }
          });
      throw failure("create a lock node under " + container, e);
    }
    if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
      throw failure(
          "create a lock node under " + container,
          KeeperException.create(KeeperException.Code.get(event.getResultCode()), container));
    }
    String path = event.getName();
    seenContainers.seen(container);
    try {
      return queued(container, prefix, path, event.getStat(), read);
    } catch (RuntimeException e) {
      // An interrupted or failed check: nobody will wait on this node, so it must not block others.
      deleteInBackground(path);
      throw e;
    }
  }

  /**
   * Curator's create of a lock node: ephemeral-sequential, protected, in a container made if
   * needed, with our ACLs; {@code storingStatIn} first, or Curator drops the Stat.
   */
  private BackgroundPathAndBytesable<String> lockNodeCreate(Stat stat) {
    ACLBackgroundPathAndBytesable<String> create =
        client
            .create()
            .storingStatIn(stat)
            .creatingParentContainersIfNeeded()
            .withProtection()
            .withMode(CreateMode.EPHEMERAL_SEQUENTIAL);
    List<ACL> acls = session.acls();
    return acls == null ? create : create.withACL(acls, true);
  }

  private Queued queued(String container, String prefix, String path, Stat stat, Pipelined read) {
    if (stat == null || stat.getCzxid() == 0 || stat.getEphemeralOwner() != currentSession()) {
      // A retried create, or one of a session that is ending: let the careful path sort it out.
      Stat found = stat(path);
      if (found == null || found.getEphemeralOwner() != session.currentId()) {
        if (found != null) {
          deleteInBackground(path);
        }
        return new Queued(create(container, prefix), null);
      }
      stat = found;
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    Created created = new Created(path, name, stat.getCzxid(), stat.getEphemeralOwner());
    QueueSnapshot queue;
    try {
      queue = read.queue();
    } catch (QuorateException e) {
      return new Queued(created, null);
    }
    return new Queued(created, queue.find(name).isPresent() ? read : null);
  }

  private long currentSession() {
    return session.currentId();
  }

  /** Deletes, in the background, the children of {@code container} whose names start so. */
  void deleteChildrenInBackground(String container, String namePrefix) {
    try {
      client
          .getChildren()
          .inBackground(
              (c, event) -> {
                if (event.getChildren() != null) {
                  event.getChildren().stream()
                      .filter(name -> name.startsWith(namePrefix))
                      .forEach(name -> deleteInBackground(container + "/" + name));
                }
              })
          .forPath(container);
    } catch (Exception e) {
      log.debug("cannot list {} to clean up", container, e);
    }
  }

  /** The Stat of {@code path}, or null if it does not exist. */
  Stat stat(String path) {
    try {
      return client.checkExists().forPath(path);
    } catch (Exception e) {
      throw failure("check " + path, e);
    }
  }

  QueueSnapshot queue(String container) {
    try {
      return new QueueSnapshot(client.getChildren().forPath(container));
    } catch (KeeperException.NoNodeException e) {
      return new QueueSnapshot(List.of());
    } catch (Exception e) {
      throw failure("list " + container, e);
    }
  }

  QueueSnapshot watchQueue(String container, Watcher watcher) {
    try {
      return new QueueSnapshot(client.getChildren().usingWatcher(watcher).forPath(container));
    } catch (KeeperException.NoNodeException e) {
      return new QueueSnapshot(List.of());
    } catch (Exception e) {
      throw failure("watch " + container, e);
    }
  }

  /** Sets {@code watcher} on {@code path}; false if the node does not exist (no watch is left). */
  boolean watch(String path, Watcher watcher) {
    try {
      Stat stat = client.checkExists().usingWatcher(watcher).forPath(path);
      // A watch left on a missing node is harmless: names carry a UUID and never come back.
      return stat != null;
    } catch (Exception e) {
      throw failure("watch " + path, e);
    }
  }

  boolean exists(String path) {
    try {
      return client.checkExists().forPath(path) != null;
    } catch (Exception e) {
      throw failure("check " + path, e);
    }
  }

  Value readValue(String container) {
    try {
      Stat stat = new Stat();
      byte[] data = client.getData().storingStatIn(stat).forPath(container);
      return value(container, data, stat);
    } catch (Exception e) {
      throw failure("read the value block of " + container, e);
    }
  }

  private static Value value(String container, byte[] data, Stat stat) {
    if (data == null || data.length == 0) {
      return new Value(ValueBlock.empty(), stat.getVersion(), stat.getCversion());
    }
    if (data.length > ValueBlock.MAX_BYTES) {
      log.warn("value block of {} has {} bytes; ignoring it", container, data.length);
      return new Value(ValueBlock.empty(), stat.getVersion(), stat.getCversion());
    }
    return new Value(ValueBlock.of(data), stat.getVersion(), stat.getCversion());
  }

  /**
   * Sends a listing of the queue and, pipelined behind it on the same session, a read of the value
   * block, waiting for neither (the answers complete the returned reads): one round trip instead of
   * two. ZooKeeper answers a session's requests in order from a state that only moves forward, so a
   * value read after a listing that shows the last writer gone is the value it wrote on release.
   */
  Pipelined queueAndValue(String container) {
    try {
      return queueAndValueInBackground(container, null);
    } catch (Exception e) {
      throw failure("list " + container, e);
    }
  }

  /**
   * Sends the listing and, if the container was seen with a value block lately, the value read
   * behind it; waits for neither. Otherwise the listing's Stat answers for the value block when the
   * container has no data (the usual case), and only a container with data is read after all.
   */
  private Pipelined queueAndValueInBackground(String container, Watcher queueWatch)
      throws Exception {
    CompletableFuture<Value> value = new CompletableFuture<>();
    CompletableFuture<List<String>> children = new CompletableFuture<>();
    ValuedContainers valued = session.valuedContainers();
    boolean readValue = valued.contains(container);
    var listing = client.getChildren();
    (queueWatch == null ? listing : listing.usingWatcher(queueWatch))
        .inBackground(
            (c, event) -> {
              int code = event.getResultCode();
              if (code == KeeperException.Code.OK.intValue()) {
                children.complete(event.getChildren());
                if (!readValue) {
                  Stat stat = event.getStat();
                  if (stat != null && stat.getDataLength() == 0) {
                    value.complete(
                        new Value(ValueBlock.empty(), stat.getVersion(), stat.getCversion()));
                  } else {
                    valued.add(container);
                    readValue(container, value);
                  }
                }
              } else if (code == KeeperException.Code.NONODE.intValue()) {
                children.complete(List.of());
                if (!readValue) {
                  value.completeExceptionally(
                      KeeperException.create(KeeperException.Code.NONODE, container));
                }
              } else {
                KeeperException failure =
                    KeeperException.create(KeeperException.Code.get(code), container);
                children.completeExceptionally(failure);
                if (!readValue) {
                  value.completeExceptionally(failure);
                }
              }
            })
        .forPath(container);
    if (readValue) {
      readValue(container, value);
    }
    return new Pipelined(this, container, children, value, queueWatch != null);
  }

  private void readValue(String container, CompletableFuture<Value> value) {
    try {
      client
          .getData()
          .inBackground(
              (c, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                  Value read = value(container, event.getData(), event.getStat());
                  if (read.block().isEmpty()) {
                    session.valuedContainers().remove(container);
                  }
                  value.complete(read);
                } else {
                  value.completeExceptionally(
                      KeeperException.create(
                          KeeperException.Code.get(event.getResultCode()), container));
                }
              })
          .forPath(container);
    } catch (Exception e) {
      value.completeExceptionally(e);
    }
  }

  /**
   * A queue listing and the value block read right behind it, both on their way.
   *
   * @param nodes where to wait
   * @param container the resource's container node
   * @param children the listing, once it arrives
   * @param value the value block, once it arrives
   * @param watchesQueue whether the listing left a watch on the queue: it fires on any change,
   *     including the deletion of our node by someone else
   */
  record Pipelined(
      ZkNodes nodes,
      String container,
      CompletableFuture<List<String>> children,
      CompletableFuture<Value> value,
      boolean watchesQueue) {
    /** Waits for the listing. */
    QueueSnapshot queue() {
      try {
        return new QueueSnapshot(nodes.await(children));
      } catch (Exception e) {
        throw failure("list " + container, e);
      }
    }

    /** Waits for the value block. */
    Value valueBlock() {
      return nodes.value(container, value);
    }
  }

  /** Waits for the value block read pipelined behind a listing. */
  Value value(String container, CompletableFuture<Value> pending) {
    try {
      return await(pending);
    } catch (Exception e) {
      throw failure("read the value block of " + container, e);
    }
  }

  private <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(session.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new KeeperException.OperationTimeoutException();
    }
  }

  /**
   * Watches our held node without waiting for the answer; {@code gone} runs if it no longer exists.
   */
  void watchInBackground(String path, Watcher watcher, Runnable gone) {
    try {
      client
          .checkExists()
          .usingWatcher(watcher)
          .inBackground(
              (c, event) -> {
                if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                  gone.run();
                } else if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
                  log.debug(
                      "cannot watch {} ({}); the connection listener checks it",
                      path,
                      event.getResultCode());
                }
              })
          .forPath(path);
    } catch (Exception e) {
      log.debug("cannot watch {}; the connection listener checks it", path, e);
    }
  }

  /**
   * Deletes our node, first writing {@code value} (if not null) to the container in the same
   * transaction, checked against {@code version} so that a holder that lost its lease never
   * overwrites a newer value. Sent in the background, never waiting for a connection: a delete that
   * fails for want of one is retried by Curator until it succeeds or the session ends (and with it
   * the node).
   *
   * @return completed when ZooKeeper answered the delete (never, if it only can after a reconnect)
   */
  CompletableFuture<Void> release(String container, String path, ValueBlock value, int version) {
    if (value == null) {
      return deleteInBackground(path);
    }
    CompletableFuture<Void> answered = new CompletableFuture<>();
    try {
      client
          .transaction()
          .inBackground(
              (c, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                  answered.complete(null);
                  return;
                }
                log.warn(
                    "value block of {} not written ({}); releasing without it",
                    container,
                    KeeperException.Code.get(event.getResultCode()));
                deleteInBackground(path).thenRun(() -> answered.complete(null));
              })
          .forOperations(
              client
                  .transactionOp()
                  .setData()
                  .withVersion(version)
                  .forPath(container, value.toBytes()),
              client.transactionOp().delete().forPath(path));
    } catch (Exception e) {
      log.warn("value block of {} not written; releasing without it", container, e);
      deleteInBackground(path).thenRun(() -> answered.complete(null));
    }
    return answered;
  }

  /** Writes the value block and returns the new version, or -1 if it could not be written. */
  int writeValue(String container, ValueBlock value, int version) {
    try {
      return client.setData().withVersion(version).forPath(container, value.toBytes()).getVersion();
    } catch (Exception e) {
      log.warn("value block of {} not written", container, e);
      return -1;
    }
  }

  void delete(String path) {
    try {
      client.delete().guaranteed().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      // Gone already: expired, revoked, or a retry of ours succeeded.
    } catch (InterruptedException e) {
      // A holder's thread interrupted while releasing: the node must go all the same.
      Thread.currentThread().interrupt();
      deleteInBackground(path);
    } catch (Exception e) {
      // guaranteed(): Curator keeps retrying in the background until success or NoNode.
      log.debug("delete of {} failed for now; Curator retries it", path, e);
    }
  }

  /**
   * Deletes a node without waiting; Curator retries it until it succeeds or the node is gone.
   *
   * @return completed when ZooKeeper answered (never, if it only can after a reconnect)
   */
  CompletableFuture<Void> deleteInBackground(String path) {
    CompletableFuture<Void> answered = new CompletableFuture<>();
    try {
      client
          .delete()
          .guaranteed()
          .inBackground((c, event) -> answered.complete(null))
          .forPath(path);
    } catch (Exception e) {
      log.debug("background delete of {} not started", path, e);
      answered.complete(null);
    }
    return answered;
  }

  static QuorateException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new QuorateException(ErrorCode.INTERNAL, "interrupted while trying to " + what, e);
    }
    if (e instanceof KeeperException keeper) {
      ErrorCode code =
          switch (keeper.code()) {
            case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, OPERATIONTIMEOUT ->
                ErrorCode.CONNECTION_LOSS;
            case NOAUTH, AUTHFAILED -> ErrorCode.REFUSED;
            default -> ErrorCode.IO_FAILURE;
          };
      return new QuorateException(
          code, "ZooKeeper refused to " + what + ": " + keeper.code(), keeper);
    }
    return new QuorateException(ErrorCode.IO_FAILURE, "could not " + what + ": " + e, e);
  }
}
