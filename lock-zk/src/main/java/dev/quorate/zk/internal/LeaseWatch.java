package dev.quorate.zk.internal;

import dev.quorate.lock.QuorateException;
import java.util.HashSet;
import java.util.Set;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a {@link ZkLease} watches: the node it waits behind, its own node (deleted by anyone
 * else means LOST), the queue (for blocking callbacks), and the connection and session.
 *
 * <p>Each watcher is one object for the life of the lease: ZooKeeper keeps a watcher once per path,
 * so setting it again (after a reconnect, a conversion) never piles up duplicate notifications.
 * Watchers only hand work to the lease's steps; every method but the watchers runs on them.
 */
final class LeaseWatch {
  private static final Logger log = LoggerFactory.getLogger(LeaseWatch.class);

  private final ZkLease lease;
  private final Set<String> blockingNotified = new HashSet<>();

  private final Watcher blocker;
  private final Watcher ownNode;
  private final Watcher queue;
  private final Watcher queueSinceCreate;

  LeaseWatch(ZkLease lease) {
    this.lease = lease;
    this.blocker =
        event -> {
          if (event.getType() != EventType.None) {
            lease.steps.execute(lease::evaluate);
            lease.steps.execute(lease.conversion::evaluate);
          }
        };
    this.ownNode =
        event -> {
          if (event.getType() == EventType.NodeDeleted) {
            if (lease.isHeld()) { // else our own release deleted it: nothing to do
              lease.steps.execute(() -> ownNodeDeleted(event.getPath()));
            }
          } else if (event.getType() != EventType.None) {
            lease.steps.execute(this::ownNode);
          }
        };
    // Left by the listing pipelined with the create. A lease granted by that listing relies on it
    // to hear of its node's deletion (any change of the queue fires it): on the first change it
    // checks its node and watches it from then on, as every other holder does.
    this.queueSinceCreate =
        event -> {
          // Not "is it held": the change may come before the step that grants from this listing.
          if (event.getType() != EventType.None && !lease.isOver()) {
            lease.steps.execute(this::ownNode); // does nothing unless held
          }
        };
    this.queue =
        event -> {
          if (event.getType() != EventType.None) {
            lease.steps.execute(this::waiters);
          }
        };
  }

  Watcher queueSinceCreate() {
    return queueSinceCreate;
  }

  /** Waits for the nearest node that blocks the request or conversion; re-evaluates if gone. */
  void waitFor(LockNode nearest) {
    if (!lease.nodes.watch(lease.container + "/" + nearest.name(), blocker)) {
      lease.steps.execute(lease::evaluate);
      lease.steps.execute(lease.conversion::evaluate);
    }
  }

  /** Reads the queue and watches it for any change, for a pending conversion. */
  QueueSnapshot queueForConversion() {
    return lease.nodes.watchQueue(lease.container, blocker);
  }

  /** Watches the held node; deleted by anyone but us means the lease is LOST. */
  void ownNode() {
    if (!lease.isHeld()) {
      return;
    }
    String path = lease.node.path();
    try {
      if (!lease.nodes.watch(path, ownNode)) {
        ownNodeDeleted(path);
      }
    } catch (QuorateException e) {
      log.debug("cannot watch {}; the connection listener will check it", path, e);
    }
  }

  /** Like {@link #ownNode()} without waiting for the answer: the grant need not wait for it. */
  void ownNodeInBackground() {
    String path = lease.node.path();
    lease.nodes.watchInBackground(
        path, ownNode, () -> lease.steps.execute(() -> ownNodeDeleted(path)));
  }

  private void ownNodeDeleted(String path) {
    // A conversion deletes the lease's old node itself after switching to the new one.
    if (lease.isHeld() && lease.node.path().equals(path)) {
      lease.lose("lock node " + path + " was deleted (by another client, or its session ended)");
    }
  }

  /** Tells the holder of a blocking callback about requests it keeps waiting, once each. */
  void waiters() {
    if (!lease.hasBlockingCallback() || !lease.isHeld()) {
      return;
    }
    try {
      QueueSnapshot snapshot = lease.nodes.watchQueue(lease.container, queue);
      LockNode me = snapshot.find(lease.node.name()).orElse(null);
      if (me == null) {
        return;
      }
      for (LockNode waiter : snapshot.waitersBlockedBy(me)) {
        if (blockingNotified.add(waiter.name())) {
          lease.notifyBlocking(waiter.mode());
        }
      }
    } catch (QuorateException e) {
      log.debug("cannot watch waiters of {}", lease.container, e);
    }
  }

  // ---- connection and session, from the manager's connection listener ----

  void connectionSuspended() {
    lease.steps.execute(
        () -> {
          lease.suspect();
        });
  }

  void connectionRestored() {
    lease.steps.execute(
        () -> {
          long now = lease.service.currentSession();
          if (lease.isHeld()) {
            restoreHeld(now);
          } else if (lease.isWaiting()) {
            if (now != lease.session) {
              // The session that queued the request ended, and its node with it: queue again.
              lease.requeue();
            } else {
              lease.evaluate();
            }
          }
        });
  }

  private void restoreHeld(long currentSession) {
    if (currentSession != lease.session) {
      lease.lose("ZooKeeper session expired");
      return;
    }
    try {
      if (!lease.nodes.exists(lease.node.path())) {
        lease.lose("lock node " + lease.node.path() + " is gone");
        return;
      }
    } catch (QuorateException e) {
      return; // still no connection; the next state change decides
    }
    lease.grantedAgain();
    ownNode();
    waiters();
    lease.conversion.evaluate();
  }

  void sessionLost() {
    lease.steps.execute(
        () -> {
          if (lease.isHeld()) {
            lease.lose("ZooKeeper session lost");
          }
        });
  }
}
