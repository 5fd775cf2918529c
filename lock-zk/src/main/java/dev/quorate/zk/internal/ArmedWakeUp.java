package dev.quorate.zk.internal;

import dev.quorate.lock.QuorateException;
import java.util.List;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.data.Stat;

/**
 * One wake-up armed by {@link LeaseWatch#waitToBeWoken}: the watches of every node older than the
 * waiting request, and what they have told so far. It decides, from their answers and events in the
 * order ZooKeeper delivers them, whether the request is granted without listing the queue again
 * ({@link LeaseMachine#deletionGrants}): once every watch has answered with a node whose data was
 * never changed, and every blocker has been deleted with nothing heard of it before. Any other news
 * (a node gone before its watch was set, a data change on any watched node, a failure) spends it:
 * the request lists the queue again.
 *
 * <p>Its answers and events come on ZooKeeper's event thread, but a background call that fails
 * before it is sent answers on the calling thread: the methods are synchronized.
 */
final class ArmedWakeUp {
  /** Where it stands: armed; spent, to list on the next event; spent for good. */
  private enum Phase {
    ARMED,
    CHANGED,
    SPENT
  }

  private final ZkNodes.Created node;
  private final ZkReads.Value value;
  private final List<String> watched;
  // Bits by index in watched: not heard of yet; blocks the request and not deleted yet. Kept as
  // bits, not sets: a waiting request holds this for as long as it waits (heap per waiter).
  private int unheard;
  private int blocking;
  private int unanswered;
  private Phase phase = Phase.ARMED;

  /**
   * @param node the request's node
   * @param value the value block to grant it with: the listing's
   * @param older the paths of every node older than the request in the listing, at most 31
   * @param blockers bit i set if {@code older.get(i)} blocks the request
   */
  ArmedWakeUp(ZkNodes.Created node, ZkReads.Value value, List<String> older, int blockers) {
    if (older.size() >= Integer.SIZE) {
      throw new IllegalArgumentException(older.size() + " older nodes, at most 31 are watched");
    }
    this.node = node;
    this.value = value;
    this.watched = older;
    this.unheard = (1 << older.size()) - 1;
    this.blocking = blockers & unheard;
    this.unanswered = older.size();
  }

  /** The bits of {@code older} (by index) that {@code blockers} holds. */
  static int blockingBits(List<?> older, List<?> blockers) {
    int bits = 0;
    for (int i = 0; i < older.size(); i++) {
      bits |= blockers.contains(older.get(i)) ? 1 << i : 0;
    }
    return bits;
  }

  /**
   * The answer of one watch ({@code stat} null: the node was gone); returns what to post, or null.
   */
  synchronized LeaseInput answered(Stat stat, QuorateException failure) {
    unanswered--;
    if (failure != null) {
      phase = Phase.SPENT;
      return new LeaseInput.ReadFailed(failure);
    }
    if (stat == null) {
      // Gone: how (with a data change first or not), only a listing tells.
      return listAgain();
    }
    if (stat.getVersion() != 0 && phase == Phase.ARMED) {
      phase = Phase.CHANGED; // changed already (a conversion began): its next event lists again
    }
    return woken();
  }

  /** An event of one of the watches; returns what to post, or null. */
  synchronized LeaseInput changed(EventType type, String path) {
    if (phase != Phase.ARMED) {
      return listAgain();
    }
    int bit = 1 << watched.indexOf(path); // 1 << -1 is bit 31, never set
    if ((unheard & bit) == 0) {
      return null; // a watch left by an earlier wait: this one watches every node that matters
    }
    unheard &= ~bit;
    if (type != EventType.NodeDeleted) {
      // A conversion marks its held node first; a value block is written with a data change.
      return listAgain();
    }
    blocking &= ~bit;
    return woken();
  }

  /** The connection was cut off: whatever it hears from now on, a listing decides. */
  synchronized void cutOff() {
    phase = Phase.SPENT;
  }

  /**
   * The listing that replaces this wake-up, asked for once: what happens after it is read, the
   * watches set after it find (a node changed, or gone).
   */
  private LeaseInput listAgain() {
    if (phase == Phase.SPENT) {
      return null;
    }
    phase = Phase.SPENT;
    return new LeaseInput.BlockerGone();
  }

  private LeaseInput woken() {
    if (phase != Phase.ARMED || unanswered > 0 || blocking != 0) {
      return null;
    }
    phase = Phase.SPENT;
    return new LeaseInput.BlockerDeleted(node, value);
  }
}
