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

  // Shared by every lease's watchers (the records have no fields): none is made per lease.
  private static final LeaseInput BLOCKER_GONE = new LeaseInput.BlockerGone();
  private static final LeaseInput NODE_CHANGED = new LeaseInput.NodeChanged();
  private static final LeaseInput WAITERS_CHANGED = new LeaseInput.WaitersChanged();

  private final ZkReads nodes;
  private final String container;
  private final Consumer<LeaseInput> events;

  /** The wake-up armed by {@link #waitToBeWoken}, if any; read by the watcher. */
  private volatile ArmedWakeUp armed;

  private final Consumer<LeaseInput> here;

  // Each made when first set, then kept for the life of the lease: most leases set only one or two.
  private Set<String> blockingNotified;
  private Watcher blocker;
  private Watcher wake;
  private Watcher ownNode;
  private Watcher queue;
  private Watcher queueSinceCreate;

  /**
   * @param events posts an event to the lease's steps
   * @param here applies an event on the watcher's thread if no step runs, else posts it: for a
   *     wake-up, whose steps never wait ({@link LeaseEffect.Wake})
   */
  LeaseWatch(
      ZkReads nodes, String container, Consumer<LeaseInput> events, Consumer<LeaseInput> here) {
    this.nodes = nodes;
    this.container = container;
    this.events = events;
    this.here = here;
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
      blocker = changed(BLOCKER_GONE);
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
              events.accept(NODE_CHANGED);
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
    armed = null;
    nodes.watchInBackground(
        container + "/" + nearest.name(),
        blockerWatcher(),
        (stat, failure) -> {
          if (failure != null) {
            events.accept(new LeaseInput.ReadFailed(failure));
          } else if (stat == null) {
            events.accept(new LeaseInput.BlockerGone());
          }
        });
  }

  private Watcher wakeWatcher() {
    if (wake == null) {
      wake =
          event -> {
            if (event.getType() == EventType.None) {
              if (event.getState() != Watcher.Event.KeeperState.SyncConnected) {
                // Cut off: changes made meanwhile reach us, on reconnecting, as one NodeDeleted for
                // a node that is gone, its data change (a conversion's mark, a value block) lost.
                // This event comes first, on the same thread: such a deletion lists again.
                ArmedWakeUp was = armed;
                armed = null;
                if (was != null) {
                  was.cutOff();
                }
              }
              return;
            }
            ArmedWakeUp now = armed;
            post(
                now == null
                    ? new LeaseInput.BlockerGone()
                    : now.changed(event.getType(), event.getPath()));
          };
    }
    return wake;
  }

  private void post(LeaseInput event) {
    if (event instanceof LeaseInput.BlockerDeleted) {
      here.accept(event);
    } else if (event != null) {
      events.accept(event);
    }
  }

  /**
   * Left by the listing pipelined with the create. A lease granted by that listing relies on it to
   * hear of its node's deletion (any change of the queue fires it): on the first change it checks
   * its node and watches it from then on, as every other holder does. (Checking it in the
   * background, or on ZooKeeper's event thread, broke the cohort property test's token order in CI:
   * see docs/performance.md, "Failover".)
   */
  Watcher queueSinceCreate() {
    if (queueSinceCreate == null) {
      queueSinceCreate = changed(NODE_CHANGED);
    }
    return queueSinceCreate;
  }

  /**
   * Waits for the deletion of {@code blockers}, which alone grants request {@code me} ({@link
   * LeaseMachine#deletionGrants}), with the value block {@code value}; sends, waiting for none: a
   * watch of {@code me} (its deletion while waiting is heard before the blockers', as events come
   * in order; once granted, it is the holder's own-node watch), then one of each node in {@code
   * older} (every node older than {@code me}, {@code blockers} among them), all on one watcher.
   * {@link ArmedWakeUp} decides from their answers and events.
   */
  void waitToBeWoken(
      List<LockNode> older, List<LockNode> blockers, ZkNodes.Created me, ZkReads.Value value) {
    ownNodeInBackground(me.path()); // the holder's own-node watch once the wake-up grants it
    List<String> paths = paths(older);
    ArmedWakeUp wakeUp =
        new ArmedWakeUp(me, value, paths, ArmedWakeUp.blockingBits(older, blockers));
    armed = wakeUp; // before the watches: their answers and events may come at once
    for (String path : paths) {
      nodes.watchInBackground(
          path, wakeWatcher(), (stat, failure) -> post(wakeUp.answered(stat, failure)));
    }
  }

  private List<String> paths(List<LockNode> queued) {
    return queued.stream().map(node -> container + "/" + node.name()).toList();
  }

  /** Reads the queue and watches it for any change, for a pending conversion. */
  QueueSnapshot queueForConversion() {
    return nodes.watchQueue(container, blockerWatcher());
  }

  /**
   * Watches the held node at {@code path}; deleted by anyone but us means the lease is LOST. If the
   * watch could not be set, posts a failed read.
   */
  void ownNode(String path) {
    try {
      if (!checkOwnNode(path)) {
        events.accept(new LeaseInput.NodeDeleted(path));
      }
    } catch (QuorateException e) {
      events.accept(new LeaseInput.ReadFailed(e)); // never only a log line
    }
  }

  /**
   * Watches the held node at {@code path} and tells whether it exists.
   *
   * @throws QuorateException if the watch could not be set
   */
  boolean checkOwnNode(String path) {
    return nodes.watch(path, ownNodeWatcher());
  }

  /** Like {@link #ownNode} without waiting for the answer: the grant need not wait for it. */
  void ownNodeInBackground(String path) {
    nodes.watchInBackground(
        path,
        ownNodeWatcher(),
        (stat, failure) -> {
          if (failure != null) {
            events.accept(new LeaseInput.ReadFailed(failure)); // never only a log line
          } else if (stat == null) {
            events.accept(new LeaseInput.NodeDeleted(path));
          }
        });
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
        queue = changed(WAITERS_CHANGED);
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
