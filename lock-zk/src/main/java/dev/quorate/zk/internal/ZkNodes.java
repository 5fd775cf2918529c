package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.ACLBackgroundPathAndBytesable;
import org.apache.curator.framework.api.BackgroundPathAndBytesable;
import org.apache.curator.framework.api.CuratorEvent;
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
   * A node we created. Its child name is not kept apart from the path: a manager keeps one of these
   * per lease, thousands at a time.
   *
   * @param path the full path
   * @param czxid the zxid of its creation: the fencing token
   * @param session the session that owns it
   */
  record Created(String path, long czxid, long session) {
    /** The child name, the last segment of the path. */
    String name() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  private final ZkSession session;
  private final CuratorFramework client;
  private final ZkReads reads;
  private final SeenContainers seenContainers = new SeenContainers();

  ZkNodes(ZkSession session) {
    this.session = session;
    this.client = session.client();
    this.reads = new ZkReads(session);
  }

  /** Who makes the nodes: the data of a request's node. */
  byte[] owner() {
    return session.owner();
  }

  /** The reads and watches over the same session. */
  ZkReads reads() {
    return reads;
  }

  /**
   * Creates an ephemeral-sequential node under {@code container}. Protected: if the reply is lost,
   * Curator finds the node by its UUID prefix instead of creating a second one, and then reports an
   * empty Stat, so the czxid is read back. A node that does not belong to the current session is
   * never taken as ours.
   */
  Created create(String container, String prefix) {
    return create(container, prefix, session.owner());
  }

  /** As {@link #create(String, String)}, with {@code data} (see {@link LockNodeData}). */
  Created create(String container, String prefix, byte[] data) {
    for (int attempt = 1; ; attempt++) {
      try {
        Stat stat = new Stat();
        String path = lockNodeCreate(stat).forPath(container + "/" + prefix, data);
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
        return new Created(path, stat.getCzxid(), stat.getEphemeralOwner());
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
  record Queued(Created created, ZkReads.Pipelined read) {}

  /**
   * Creates our node and, without waiting for the reply, lists the queue and reads the value block
   * behind it: one round trip for what takes three one after the other. ZooKeeper answers a
   * session's requests in the order they were sent, reads after writes, so the listing sees our
   * node unless the create had to make the container first (then the read is made again). Returns
   * at once: no thread waits for the answers, which complete the returned future (on the thread
   * that heard the last of them, after at most the operation timeout). Any irregular answer (no
   * Stat, another session) goes the careful way of {@link #create}, which waits, on {@code
   * answers}. A node whose answer comes after the future failed (a timeout) is deleted: nobody
   * waits on it.
   */
  CompletableFuture<Queued> createQueued(
      String container, String prefix, Watcher queueWatch, Executor answers) {
    CompletableFuture<CuratorEvent> reply = new CompletableFuture<>();
    ZkReads.Pipelined read;
    try {
      seenContainers.createIfUnseen(client, container, session.acls());
      lockNodeCreate(new Stat())
          .inBackground(BackgroundCalls.completing(reply, container, KeeperException.Code.OK))
          .forPath(container + "/" + prefix, session.owner());
      read = reads.queueAndValueInBackground(container, queueWatch);
    } catch (Exception e) {
      deleteWhenCreated(reply); // the create may have gone out before the listing failed
      return CompletableFuture.failedFuture(failure("create a lock node under " + container, e));
    }
    CompletableFuture<Queued> queued = new CompletableFuture<>();
    // The three answers arrive together, in order: look once, for the last of them.
    CompletableFuture.allOf(reply, read.children(), read.value())
        .orTimeout(session.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (all, failed) -> {
              Runnable look =
                  () -> {
                    try {
                      queued.complete(answered(container, prefix, reply, read));
                    } catch (RuntimeException e) {
                      queued.completeExceptionally(e);
                    }
                  };
              // A regular answer is looked at where it arrived (ZooKeeper's event thread): it
              // needs no further call, and a hand-off to a pool thread would cost every cycle a
              // thread wake-up. Only an irregular one, which asks ZooKeeper and waits, goes there.
              if (needsCalls(reply)) {
                answers.execute(look);
              } else {
                look.run();
              }
            });
    return queued;
  }

  /**
   * Whether {@link #answered} must call ZooKeeper and wait: a created node with no regular Stat.
   */
  private boolean needsCalls(CompletableFuture<CuratorEvent> reply) {
    if (!reply.isDone() || reply.isCompletedExceptionally()) {
      return false; // timed out or refused: a failure, no call (getNow would throw it here)
    }
    return irregular(reply.join().getStat());
  }

  /** A create's Stat that only a read can explain: none, or not of this session. */
  private boolean irregular(Stat stat) {
    return stat == null || stat.getCzxid() == 0 || stat.getEphemeralOwner() != session.currentId();
  }

  private Queued answered(
      String container,
      String prefix,
      CompletableFuture<CuratorEvent> reply,
      ZkReads.Pipelined read) {
    if (!reply.isDone()) {
      deleteWhenCreated(reply);
      throw failure(
          "create a lock node under " + container, new KeeperException.OperationTimeoutException());
    }
    CuratorEvent event;
    try {
      event = reply.join();
    } catch (CompletionException e) {
      throw failure("create a lock node under " + container, (Exception) e.getCause());
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

  /** Curator may still finish a create nobody waits for: its node must not block others. */
  private void deleteWhenCreated(CompletableFuture<CuratorEvent> reply) {
    reply.thenAccept(late -> deleteInBackground(late.getName()));
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

  private Queued queued(
      String container, String prefix, String path, Stat stat, ZkReads.Pipelined read) {
    if (irregular(stat)) {
      // A retried create, or one of a session that is ending: let the careful path sort it out.
      Stat found = reads.stat(path);
      if (found == null || found.getEphemeralOwner() != session.currentId()) {
        if (found != null) {
          deleteInBackground(path);
        }
        return new Queued(create(container, prefix), null);
      }
      stat = found;
    }
    Created created = new Created(path, stat.getCzxid(), stat.getEphemeralOwner());
    QueueSnapshot queue;
    try {
      queue = read.queue();
    } catch (QuorateException e) {
      return new Queued(created, null);
    }
    return new Queued(created, queue.find(created.name()).isPresent() ? read : null);
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

  /** What a release did with the value block it was asked to write. */
  enum Release {
    /** No value block was staged: the node was deleted. */
    DELETED,
    /** The value block was written and the node deleted, in one transaction. */
    VALUE_WRITTEN,
    /**
     * The transaction failed (another holder wrote since the version read, the node was gone, the
     * session ended): the value block was not written; the node is deleted on its own.
     */
    VALUE_NOT_WRITTEN
  }

  /**
   * Deletes our node, first writing {@code value} (if not null) to the container in the same
   * transaction, checked against {@code version} so that a holder that lost its lease never
   * overwrites a newer value. Sent in the background, never waiting for a connection: a delete that
   * fails for want of one is retried by Curator until it succeeds or the session ends (and with it
   * the node); a transaction that fails is not retried, so its value block is not written, and the
   * answer says so.
   *
   * @return completed when ZooKeeper answered (never, if it only can after a reconnect)
   */
  CompletableFuture<Release> release(String container, String path, ValueBlock value, int version) {
    if (value == null) {
      return deleteInBackground(path).thenApply(done -> Release.DELETED);
    }
    CompletableFuture<Release> answered = new CompletableFuture<>();
    BackgroundCalls.send(
            container,
            callback ->
                client
                    .transaction()
                    .inBackground(callback)
                    .forOperations(
                        client
                            .transactionOp()
                            .setData()
                            .withVersion(version)
                            .forPath(container, value.toBytes()),
                        // Our node's data changes first: a request that waits on it must list
                        // again.
                        client.transactionOp().setData().forPath(path, session.owner()),
                        client.transactionOp().delete().forPath(path)))
        .whenComplete(
            (written, failed) -> {
              if (failed == null) {
                answered.complete(Release.VALUE_WRITTEN);
                return;
              }
              log.warn(
                  "value block of {} not written ({}); releasing {} without it",
                  container,
                  failed instanceof KeeperException keeper ? keeper.code() : failed,
                  path);
              deleteInBackground(path).thenRun(() -> answered.complete(Release.VALUE_NOT_WRITTEN));
            });
    return answered;
  }

  /**
   * Writes the data of our node at {@code path} back unchanged (read, then written at the version
   * read), so that only its version moves: a request waiting on it then lists the queue again when
   * it goes, instead of taking its deletion alone for its grant ({@link
   * LeaseMachine#deletionGrants}). Done before a conversion creates the lease's new node; the node
   * keeps whatever it records.
   */
  void markChanging(String path) {
    try {
      Stat stat = new Stat();
      byte[] data = client.getData().storingStatIn(stat).forPath(path);
      client.setData().withVersion(stat.getVersion()).forPath(path, data);
    } catch (Exception e) {
      throw failure("mark " + path, e);
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

  /** The failure of a future of ours as a {@link QuorateException}. */
  static QuorateException quorate(Throwable failure) {
    return failure instanceof QuorateException q
        ? q
        : new QuorateException(ErrorCode.INTERNAL, "unexpected failure: " + failure, failure);
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
