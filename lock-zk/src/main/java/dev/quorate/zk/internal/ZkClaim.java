package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Permit;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.SerialExecutor;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * One claim of a {@link ZkPermitQueue}, from its node's creation to its grant, refusal or
 * withdrawal. It waits as a lock request does: a watch on the queue and a read in the background
 * when it fires; no thread is held while it waits. Its steps run one at a time on the manager's
 * pool, so its phase has one writer.
 *
 * <p>A permit is granted only on a node whose ephemeral owner is the current session and whose
 * czxid is the one created: a node left by a session that has since ended, or made again under the
 * same name by somebody else, is never taken as this claim's permit.
 */
final class ZkClaim implements Watcher {
  private enum Phase {
    CREATING,
    WAITING,
    GRANTING,
    DONE
  }

  final String label;
  final boolean onlyIfFree;
  final CompletableFuture<Permit> request = new CompletableFuture<>();
  private final ZkPermitQueue queue;
  private final PermitNodes nodes;
  private final SerialExecutor steps;
  private Phase phase = Phase.CREATING;
  private PermitNodes.Created node;

  ZkClaim(ZkPermitQueue queue, PermitNodes nodes, String label, boolean onlyIfFree) {
    this.queue = queue;
    this.nodes = nodes;
    this.label = label;
    this.onlyIfFree = onlyIfFree;
    this.steps = new SerialExecutor(queue.pool());
  }

  /** Creates the claim's node and reads the queue; a withdrawal or close is heard meanwhile. */
  void start() {
    request.whenComplete((permit, failure) -> steps.execute(this::withdrawIfWaiting));
    nodes.create(label).whenCompleteAsync(this::created, steps);
  }

  private void created(PermitNodes.Created made, Throwable failure) {
    if (failure != null) {
      finish(failure);
      return;
    }
    node = made;
    phase = Phase.WAITING;
    if (request.isDone()) {
      withdrawIfWaiting(); // withdrawn or closed while the create was on its way
    } else {
      read();
    }
  }

  /** The queue changed: read it again. Disconnections are the connection listener's to tell. */
  @Override
  public void process(WatchedEvent event) {
    if (event.getType() != Event.EventType.None) {
      wake();
    }
  }

  /** Reads the queue again, unless the claim is not waiting any more. */
  void wake() {
    steps.execute(this::read);
  }

  private void read() {
    if (phase == Phase.WAITING) {
      nodes.list(this).whenCompleteAsync(this::decide, steps);
    }
  }

  private void decide(List<String> children, Throwable failure) {
    if (phase != Phase.WAITING) {
      return; // a listing sent before the claim was granted, withdrawn or failed
    }
    if (failure != null) {
      finish(failure);
      return;
    }
    int position = ZkPermitQueue.position(children, nameOf(node.path()));
    if (position < 0) {
      finish(
          new QuorateException(
              ErrorCode.CONNECTION_LOSS, "the session ended while waiting for " + queue));
    } else if (position < queue.permits()) {
      phase = Phase.GRANTING;
      nodes.stat(node.path(), this).whenCompleteAsync(this::confirm, steps);
    } else if (onlyIfFree) {
      request.complete(null); // withdraws the node through its whenComplete
    }
  }

  /** Grants the permit if the node is still the one this session created. */
  private void confirm(Stat stat, Throwable failure) {
    if (failure != null) {
      finish(failure);
      return;
    }
    long session = CuratorClients.sessionId(queue.client());
    if (stat == null) {
      finish(
          new QuorateException(
              ErrorCode.CONNECTION_LOSS, "permit node " + node.path() + " is gone"));
    } else if (stat.getEphemeralOwner() != session || stat.getCzxid() != node.czxid()) {
      QuorateException notOurs =
          new QuorateException(
              ErrorCode.CONNECTION_LOSS,
              "permit node "
                  + describe(stat, session)
                  + " is not the node this session created: not granted");
      node = null; // never delete a node that is not ours
      finish(notOurs);
    } else {
      Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as an announcement stores it
      queue
          .announce(this, node.path(), stat, since)
          .whenCompleteAsync(
              (announced, failed) -> {
                if (failed != null) {
                  finish(failed);
                } else {
                  phase = Phase.DONE;
                  queue.forget(this);
                  queue.grant(this, node.path(), stat, since);
                }
              },
              steps);
    }
  }

  private String describe(Stat stat, long session) {
    return node.path()
        + " (owner session 0x"
        + Long.toHexString(stat.getEphemeralOwner())
        + ", czxid "
        + stat.getCzxid()
        + "; this session 0x"
        + Long.toHexString(session)
        + ", created czxid "
        + node.czxid()
        + ")";
  }

  private static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Deletes the node of a claim that was withdrawn, refused or failed while waiting. */
  private void withdrawIfWaiting() {
    if (phase == Phase.WAITING) {
      phase = Phase.DONE;
      queue.delete(node.path());
      queue.forget(this);
    }
  }

  private void finish(Throwable failure) {
    phase = Phase.DONE;
    if (node != null) {
      queue.delete(node.path());
    }
    queue.forget(this);
    request.completeExceptionally(ZkPermitQueue.failure(unwrapped(failure)));
  }

  private static Throwable unwrapped(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
