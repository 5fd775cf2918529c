package dev.quorate.zk.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.spi.HeldPermit;
import java.time.Instant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A granted permit: its node, token and state. SUSPECT while the connection is suspended, GRANTED
 * again if the node is still this session's after reconnecting, LOST when the session ends, the
 * node is deleted, or the node found under its name is not the one this session created (another
 * czxid or ephemeral owner). Its node is deleted when it is released or lost, unless it is not
 * ours.
 */
final class ZkPermit extends HeldPermit {
  private static final Logger log = LoggerFactory.getLogger(ZkPermit.class);

  private final ZkPermitQueue queue;
  private final String node;
  private final Watcher nodeWatcher = event -> onNodeEvent(event.getType());
  private volatile boolean foreign;

  ZkPermit(ZkPermitQueue queue, String node, FencingToken token, String holder, Instant since) {
    super(queue.name(), token, holder, since, queue.pool());
    this.queue = queue;
    this.node = node;
  }

  /**
   * Watches the node for a deletion by anyone but this permit, in the background; LOST if it is
   * gone or no longer this session's.
   */
  void watchNode() {
    queue
        .nodes()
        .stat(node, nodeWatcher)
        .whenCompleteAsync(
            (stat, failure) -> {
              if (failure != null) {
                // The connection listener decides: SUSPECT now, then GRANTED or LOST.
                log.debug("could not watch {}", node, failure);
              } else if (!ours(stat)) {
                end(LeaseState.LOST, "permit node " + node + " is gone or not this session's");
              }
            },
            queue.pool());
  }

  /**
   * Whether {@code stat} is this permit's node in the current session: a node made again under the
   * same name (another czxid) or left by a session since ended (another owner) is not.
   */
  private boolean ours(Stat stat) {
    boolean ours =
        stat != null
            && stat.getCzxid() == token().major()
            && stat.getEphemeralOwner() == CuratorClients.sessionId(queue.client());
    if (stat != null && !ours) {
      foreign = true; // someone else's now: this permit's end must not delete it
    }
    return ours;
  }

  private void onNodeEvent(Watcher.Event.EventType type) {
    switch (type) {
      case NodeDeleted -> {
        foreign = true; // ours is gone: whatever is made under its name is not ours to delete
        end(LeaseState.LOST, "permit node " + node + " deleted");
      }
      case NodeDataChanged, NodeCreated -> watchNode();
      default -> {}
    }
  }

  void connectionState(ConnectionState state) {
    switch (state) {
      case SUSPENDED -> move(LeaseState.GRANTED, LeaseState.SUSPECT, "connection suspended");
      case RECONNECTED -> queue.pool().execute(this::confirm);
      case LOST -> end(LeaseState.LOST, "session expired");
      default -> {}
    }
  }

  /** After reconnecting: GRANTED again only if the node survived, in this same session. */
  private void confirm() {
    try {
      Stat stat = queue.client().checkExists().usingWatcher(nodeWatcher).forPath(node);
      if (ours(stat)) {
        // Suspended again since the check: stay SUSPECT, the next reconnection confirms again.
        if (queue.client().getZookeeperClient().isConnected()) {
          move(LeaseState.SUSPECT, LeaseState.GRANTED, "reconnected within the session");
        }
      } else {
        end(LeaseState.LOST, "permit node gone after reconnecting (session ended)");
      }
    } catch (Exception e) {
      log.debug("could not confirm {}; the next connection change decides", node, e);
    }
  }

  @Override
  protected void ended() {
    queue.forget(this);
    if (!foreign) {
      queue.delete(node);
    }
  }

  @Override
  public String toString() {
    return "permit " + token() + " of " + queue;
  }
}
