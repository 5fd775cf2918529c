package dev.quorate.zk.internal;

import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watches of one {@link ZkLease}: the node it waits behind, its own node (deleted by anyone
 * else means LOST), the queue (for blocking callbacks and conversions). A watcher only posts a
 * {@link LeaseInput} to the lease's steps; it decides nothing and writes nothing of the lease's:
 * the lease's transition function tells what a change means in the state it is in.
 *
 * <p>Each watcher is one object for the life of the lease: ZooKeeper keeps a watcher once per path,
 * so setting it again (after a reconnect, a conversion) never piles up duplicate notifications.
 * Every method runs on the lease's steps.
 */
final class LeaseWatch {
  private static final Logger log = LoggerFactory.getLogger(LeaseWatch.class);

  private final ZkReads nodes;
  private final String container;
  private final Consumer<LeaseInput> events;

  // Each made when first set, then kept for the life of the lease: most leases set only one or two.
  private Set<String> blockingNotified;
  private Watcher blocker;
  private Watcher ownNode;
  private Watcher queue;
  private Watcher queueSinceCreate;

  /**
   * @param events posts an event to the lease's steps
   */
  LeaseWatch(ZkReads nodes, String container, Consumer<LeaseInput> events) {
    this.nodes = nodes;
    this.container = container;
    this.events = events;
  }

  private Watcher changed(LeaseInput posted) {
    return event -> {
      if (event.getType() != EventType.None) {
        events.accept(posted);
      }
    };
  }

  private Watcher blockerWatcher() {
    if (blocker == null) {
      blocker = changed(new LeaseInput.BlockerGone());
    }
    return blocker;
  }

  private Watcher ownNodeWatcher() {
    if (ownNode == null) {
      ownNode =
          event -> {
            if (event.getType() == EventType.NodeDeleted) {
              events.accept(new LeaseInput.NodeDeleted(event.getPath()));
            } else if (event.getType() != EventType.None) {
              events.accept(new LeaseInput.NodeChanged());
            }
          };
    }
    return ownNode;
  }

  /**
   * Watches the nearest node that blocks the request, without waiting for the answer: if it is gone
   * already, looks again at once; if the watch could not be set, posts a failed read.
   */
  void waitFor(LockNode nearest) {
    nodes.watchInBackground(
        container + "/" + nearest.name(),
        blockerWatcher(),
        () -> events.accept(new LeaseInput.BlockerGone()),
        failure -> events.accept(new LeaseInput.ReadFailed(failure)));
  }

  /**
   * Left by the listing pipelined with the create. A lease granted by that listing relies on it to
   * hear of its node's deletion (any change of the queue fires it): on the first change it checks
   * its node and watches it from then on, as every other holder does.
   */
  Watcher queueSinceCreate() {
    if (queueSinceCreate == null) {
      queueSinceCreate = changed(new LeaseInput.NodeChanged());
    }
    return queueSinceCreate;
  }

  /** Reads the queue and watches it for any change, for a pending conversion. */
  QueueSnapshot queueForConversion() {
    return nodes.watchQueue(container, blockerWatcher());
  }

  /** Watches the held node at {@code path}; deleted by anyone but us means the lease is LOST. */
  void ownNode(String path) {
    try {
      if (!nodes.watch(path, ownNodeWatcher())) {
        events.accept(new LeaseInput.NodeDeleted(path));
      }
    } catch (QuorateException e) {
      log.debug("cannot watch {}; the connection listener will check it", path, e);
    }
  }

  /** Like {@link #ownNode} without waiting for the answer: the grant need not wait for it. */
  void ownNodeInBackground(String path) {
    nodes.watchInBackground(
        path,
        ownNodeWatcher(),
        () -> events.accept(new LeaseInput.NodeDeleted(path)),
        e -> log.debug("cannot watch {}; the connection listener checks it", path, e));
  }

  /**
   * Reads the requests that the holder of node {@code name} keeps waiting, and watches the queue
   * for more.
   *
   * @return the modes of the waiters not reported before, once each
   */
  List<LockMode> newWaiters(String name) {
    List<LockMode> fresh = new ArrayList<>();
    try {
      if (queue == null) {
        queue = changed(new LeaseInput.WaitersChanged());
        blockingNotified = new HashSet<>();
      }
      QueueSnapshot snapshot = nodes.watchQueue(container, queue);
      LockNode me = snapshot.find(name).orElse(null);
      if (me != null) {
        for (LockNode waiter : snapshot.waitersBlockedBy(me)) {
          if (blockingNotified.add(waiter.name())) {
            fresh.add(waiter.mode());
          }
        }
      }
    } catch (QuorateException e) {
      log.debug("cannot watch waiters of {}", container, e);
    }
    return fresh;
  }
}
