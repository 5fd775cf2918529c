package dev.quorate.zk.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;

/**
 * The member nodes a watching member has read, by name. An entry stays valid while the data watch
 * its read left on the node is armed: the watch firing (the node changed or went) marks the name
 * changed, and the next read reads that node again. So a membership change costs each member one
 * listing plus one read per node that came or changed, instead of a read of every node (each of n
 * members reading all n nodes on every change was the herd). Watches end with their session: an
 * entry read under another session is not trusted.
 */
final class MemberNodeCache {
  /** A node read and its record, or empty for a foreign node (read, watched, and skipped). */
  private final Map<String, Optional<MemberNodes.Node>> read = new ConcurrentHashMap<>();

  private final Set<String> changed = ConcurrentHashMap.newKeySet();
  private volatile long session;

  /**
   * Starts a read under {@code current}: entries read under another session go, since their watches
   * went with it.
   */
  void begin(long current) {
    if (current != session) {
      read.clear();
      session = current;
    }
  }

  /** Takes a watch event: a node that changed or went must be read again. */
  void watched(WatchedEvent event) {
    String path = event.getPath();
    if (path != null
        && (event.getType() == EventType.NodeDataChanged
            || event.getType() == EventType.NodeDeleted)) {
      changed.add(path.substring(path.lastIndexOf('/') + 1));
    }
  }

  /** Forgets the nodes that are no longer listed. */
  void retain(Collection<String> listed) {
    read.keySet().retainAll(Set.copyOf(listed));
  }

  /**
   * Tells whether {@code name} was read and its watch has not fired since. A change marked after
   * this call (after the read it asks for is sent) stays marked for the next read.
   */
  boolean fresh(String name) {
    if (changed.remove(name)) {
      read.remove(name);
      return false;
    }
    return read.containsKey(name);
  }

  /** The node {@code name} as last read; empty if it is foreign or was not read. */
  Optional<MemberNodes.Node> node(String name) {
    return read.getOrDefault(name, Optional.empty());
  }

  /** Keeps what a watching read of {@code name} found: its node, or empty if it is foreign. */
  void put(String name, Optional<MemberNodes.Node> node) {
    read.put(name, node);
  }
}
