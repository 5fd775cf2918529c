package dev.quorate.zk.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first acquisition of a lock without one round trip per missing parent. A request on a
 * resource whose container this manager has not seen yet sends the container's create right before
 * its lock node's create and queue listing, on the same session and without waiting: ZooKeeper
 * applies a session's requests in order, so the lock node's create finds the container and the
 * three share one round trip (the two writes one group commit). Without it, the lock node's create
 * fails with NONODE, and Curator's fallback checks each ancestor, creates the container and creates
 * the node again: three write round trips and three reads in sequence, as for Curator's own locks.
 *
 * <p>A container seen once is trusted from then on (bounded, least recently used first out). If the
 * server has since reaped it (it does so with empty containers), the lock node's create takes the
 * fallback above: slower, never wrong. A container that exists but was not seen costs one create
 * that fails with NODEEXISTS, sent alongside and waited for by nobody.
 */
final class SeenContainers {
  private static final Logger log = LoggerFactory.getLogger(SeenContainers.class);
  private static final int MAX_ENTRIES = 16_384;
  private static final byte[] NO_DATA = new byte[0];

  private final Map<String, Boolean> seen =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /**
   * Sends the create of {@code container} in the background unless it was seen; call right before
   * sending the lock node's create on the same client.
   *
   * @param acls the container's ACLs, or null for the client's default
   */
  void createIfUnseen(CuratorFramework client, String container, List<ACL> acls) {
    synchronized (seen) {
      if (seen.get(container) != null) {
        return;
      }
    }
    try {
      var create = client.create().withMode(CreateMode.CONTAINER);
      (acls == null ? create : create.withACL(acls))
          .inBackground(
              (c, event) -> {
                int code = event.getResultCode();
                if (code == KeeperException.Code.OK.intValue()
                    || code == KeeperException.Code.NODEEXISTS.intValue()) {
                  seen(container);
                }
              })
          // Empty, as Curator makes parents: data in a container is the resource's value block
          // (without an argument Curator would write this host's address there).
          .forPath(container, NO_DATA);
    } catch (Exception e) {
      // The lock node's create makes the container itself, a round trip later.
      log.debug("container {} not created ahead", container, e);
    }
  }

  /** Notes that {@code container} exists (a lock node was created in it). */
  void seen(String container) {
    synchronized (seen) {
      seen.put(container, Boolean.TRUE);
    }
  }
}
