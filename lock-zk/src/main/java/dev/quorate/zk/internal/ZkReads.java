package dev.quorate.zk.internal;

import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reads and watches of the lock protocol: a resource's queue, its value block, a node's
 * existence, with ZooKeeper's failures mapped to ours. One per manager, over its {@link ZkSession}.
 */
final class ZkReads {
  private static final Logger log = LoggerFactory.getLogger(ZkReads.class);

  /**
   * The value block of a resource and the version to write it back with.
   *
   * @param block the value
   * @param version the container node's data version
   * @param childChanges the container's child version: how many times its queue changed
   */
  record Value(ValueBlock block, int version, int childChanges) {}

  /**
   * A queue listing and the value block read right behind it, both on their way.
   *
   * @param reads where to wait
   * @param container the resource's container node
   * @param children the listing, once it arrives
   * @param value the value block, once it arrives
   * @param watchesQueue whether the listing left a watch on the queue: it fires on any change,
   *     including the deletion of our node by someone else
   */
  record Pipelined(
      ZkReads reads,
      String container,
      CompletableFuture<List<String>> children,
      CompletableFuture<Value> value,
      boolean watchesQueue) {
    /** Waits for the listing. */
    QueueSnapshot queue() {
      try {
        return new QueueSnapshot(reads.await(children));
      } catch (Exception e) {
        throw ZkNodes.failure("list " + container, e);
      }
    }

    /** Waits for the value block. */
    Value valueBlock() {
      return reads.value(container, value);
    }
  }

  private final ZkSession session;
  private final CuratorFramework client;

  ZkReads(ZkSession session) {
    this.session = session;
    this.client = session.client();
  }

  /** The Stat of {@code path}, or null if it does not exist. */
  Stat stat(String path) {
    try {
      return client.checkExists().forPath(path);
    } catch (Exception e) {
      throw ZkNodes.failure("check " + path, e);
    }
  }

  QueueSnapshot queue(String container) {
    try {
      return new QueueSnapshot(client.getChildren().forPath(container));
    } catch (KeeperException.NoNodeException e) {
      return new QueueSnapshot(List.of());
    } catch (Exception e) {
      throw ZkNodes.failure("list " + container, e);
    }
  }

  QueueSnapshot watchQueue(String container, Watcher watcher) {
    try {
      return new QueueSnapshot(client.getChildren().usingWatcher(watcher).forPath(container));
    } catch (KeeperException.NoNodeException e) {
      return new QueueSnapshot(List.of());
    } catch (Exception e) {
      throw ZkNodes.failure("watch " + container, e);
    }
  }

  /** Sets {@code watcher} on {@code path}; false if the node does not exist (no watch is left). */
  boolean watch(String path, Watcher watcher) {
    try {
      Stat stat = client.checkExists().usingWatcher(watcher).forPath(path);
      // A watch left on a missing node is harmless: names carry a UUID and never come back.
      return stat != null;
    } catch (Exception e) {
      throw ZkNodes.failure("watch " + path, e);
    }
  }

  /**
   * Sets {@code watcher} on {@code path} without waiting; {@code answered} gets its Stat (null if
   * it does not exist) or the failure, on ZooKeeper's event thread, before any event of the watch.
   * A data watch, as Curator's lock sets: on a node that is gone it leaves no watch, where an
   * existence watch would stay on client and server until the session ends (a lock node never comes
   * back), one per waiter that found its blocker gone.
   */
  void watchInBackground(
      String path, Watcher watcher, BiConsumer<Stat, QuorateException> answered) {
    CompletableFuture<CuratorEvent> answer = new CompletableFuture<>();
    // Attached before the call is sent: it runs on the event thread, before the watch's events.
    answer.whenComplete(
        (event, failed) -> {
          if (failed != null) {
            answered.accept(null, ZkNodes.failure("watch " + path, (Exception) failed));
          } else {
            boolean found = BackgroundCalls.code(event) == KeeperException.Code.OK;
            answered.accept(found ? event.getStat() : null, null);
          }
        });
    BackgroundCalls.send(
        answer,
        path,
        KeeperException.Code.NONODE,
        callback -> client.getData().usingWatcher(watcher).inBackground(callback).forPath(path));
  }

  boolean exists(String path) {
    try {
      return client.checkExists().forPath(path) != null;
    } catch (Exception e) {
      throw ZkNodes.failure("check " + path, e);
    }
  }

  Value readValue(String container) {
    try {
      Stat stat = new Stat();
      byte[] data = client.getData().storingStatIn(stat).forPath(container);
      return value(container, data, stat);
    } catch (Exception e) {
      throw ZkNodes.failure("read the value block of " + container, e);
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
      throw ZkNodes.failure("list " + container, e);
    }
  }

  /**
   * Sends the listing and, if the container was seen with a value block lately, the value read
   * behind it; waits for neither. Otherwise the listing's Stat answers for the value block when the
   * container has no data (the usual case), and only a container with data is read after all.
   */
  Pipelined queueAndValueInBackground(String container, Watcher queueWatch) throws Exception {
    CompletableFuture<Value> value = new CompletableFuture<>();
    CompletableFuture<List<String>> children = new CompletableFuture<>();
    ValuedContainers valued = session.valuedContainers();
    boolean readValue = valued.contains(container);
    CompletableFuture<CuratorEvent> listed = new CompletableFuture<>();
    // Attached before the listing is sent: the value read goes out as soon as it is answered.
    listed.whenComplete(
        (event, failed) -> {
          if (failed != null) {
            children.completeExceptionally(failed);
            if (!readValue) {
              value.completeExceptionally(failed);
            }
          } else if (BackgroundCalls.code(event) == KeeperException.Code.OK) {
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
          } else {
            children.complete(List.of());
            if (!readValue) {
              value.completeExceptionally(
                  KeeperException.create(KeeperException.Code.NONODE, container));
            }
          }
        });
    var listing = client.getChildren();
    (queueWatch == null ? listing : listing.usingWatcher(queueWatch))
        .inBackground(BackgroundCalls.completing(listed, container, KeeperException.Code.NONODE))
        .forPath(container);
    if (readValue) {
      readValue(container, value);
    }
    return new Pipelined(this, container, children, value, queueWatch != null);
  }

  private void readValue(String container, CompletableFuture<Value> value) {
    BackgroundCalls.send(
            container, callback -> client.getData().inBackground(callback).forPath(container))
        .whenComplete(
            (event, failed) -> {
              if (failed != null) {
                value.completeExceptionally(failed);
                return;
              }
              Value read = value(container, event.getData(), event.getStat());
              if (read.block().isEmpty()) {
                session.valuedContainers().remove(container);
              }
              value.complete(read);
            });
  }

  /** Waits for the value block read pipelined behind a listing. */
  Value value(String container, CompletableFuture<Value> pending) {
    try {
      return await(pending);
    } catch (Exception e) {
      throw ZkNodes.failure("read the value block of " + container, e);
    }
  }

  /** Waits at most the operation timeout; a timeout is ZooKeeper's OPERATIONTIMEOUT. */
  <T> T await(CompletableFuture<T> future) throws Exception {
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
}
