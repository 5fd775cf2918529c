package dev.quorate.zk.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When this member first saw each node's owner gone (a lost holder's record whose session child was
 * deleted, a fence claim slot whose owner child was), on the monotonic clock: the moment a recovery
 * gate counts a self-fence deadline from, or a claim's abandonment is measured from. A node whose
 * owner still lives is not entered. Kept per manager rather than per request, so a caller that
 * gives up and asks again (a {@code tryAcquire} in a loop) does not start the count anew each time
 * and wait forever. Bounded: the least recently asked are forgotten, which only restarts their
 * count (later, so on the safe side).
 */
final class LossSightings {
  private static final int MAX_ENTRIES = 4096;

  private final Map<String, Long> firstSeen =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /**
   * Returns when the node at {@code path}, in the incarnation {@code version} (a holder record's
   * czxid, a claim slot's data version), was first seen without its owner; now if never before.
   *
   * @param path the node's path
   * @param version which incarnation of the node
   * @param nowNanos the monotonic clock now
   * @return the first sighting, at most {@code nowNanos}
   */
  synchronized long firstSeen(String path, long version, long nowNanos) {
    return firstSeen.computeIfAbsent(path + "@" + version, key -> nowNanos);
  }

  /**
   * Forgets a node this member deleted.
   *
   * @param path the node's path
   * @param version its incarnation
   */
  synchronized void forget(String path, long version) {
    firstSeen.remove(path + "@" + version);
  }
}
