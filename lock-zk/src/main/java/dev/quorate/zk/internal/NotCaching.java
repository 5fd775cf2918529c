package dev.quorate.zk.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resources on which a member stopped caching grants (each grant served one local holder and
 * then had to go to another member), remembered after their idle {@link Cohort} is retired so that
 * the next cohort does not cache again blindly. Bounded: the least recently retired are forgotten,
 * which only costs them one cached grant to learn again.
 */
final class NotCaching {
  private static final int MAX_ENTRIES = 4096;

  /**
   * What a retired cohort knew.
   *
   * @param queueChanges the queue's child version at its last grant
   * @param uncachedGrants grants not cached since caching stopped
   * @param probeInterval grants between two probes of caching ({@link GrantCaching})
   */
  record Since(int queueChanges, int uncachedGrants, int probeInterval) {}

  private final Map<String, Since> queueChangesAtLastGrant =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Since> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  synchronized void put(String resource, Since since) {
    queueChangesAtLastGrant.put(resource, since);
  }

  /** Removes and returns what was remembered of {@code resource}, or null. */
  synchronized Since take(String resource) {
    return queueChangesAtLastGrant.remove(resource);
  }
}
