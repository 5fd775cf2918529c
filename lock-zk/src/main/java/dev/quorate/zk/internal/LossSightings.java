package dev.quorate.zk.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When this member first saw each lost holder's session gone (its record's session child deleted),
 * on the monotonic clock: the {@code lostAtNanos} a recovery gate counts a self-fence deadline
 * from. A holder whose session still lives is not entered. Kept per manager rather than per
 * request, so a caller that gives up and asks again (a {@code tryAcquire} in a loop) does not start
 * the count anew each time and wait forever. Bounded: the least recently asked are forgotten, which
 * only restarts their count (later, so on the safe side).
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
   * Returns when the record at {@code path}, created at {@code czxid}, was first seen lost; now if
   * never before.
   */
  synchronized long firstSeen(String path, long czxid, long nowNanos) {
    return firstSeen.computeIfAbsent(path + "@" + czxid, key -> nowNanos);
  }

  /** Forgets a record this member deleted. */
  synchronized void forget(String path, long czxid) {
    firstSeen.remove(path + "@" + czxid);
  }
}
