package dev.quorate.zk.internal;

/**
 * Whether a {@link Cohort} keeps its ZooKeeper grant after the last local release. Off after a
 * grant that served one local holder only and then had to go to another member (keeping it only
 * made that member wait for a callback); on again as soon as a new grant shows that nobody else
 * touched the queue since our last one, which the queue's child version tells: our delete and our
 * create are then the only two changes in between. Used under the cohort's lock.
 */
final class GrantCaching {
  /**
   * After caching stopped, every {@code probeInterval}th grant is cached again as a probe: under
   * steady contention a grant that is kept may serve several local holders before the callback
   * comes (then caching is on again), which the queue's child version cannot show. The interval
   * starts at {@code FIRST_PROBE_INTERVAL}, doubles after each probe that served one holder only,
   * up to {@code LONGEST_PROBE_INTERVAL}, and starts again once a kept grant served more than one.
   */
  static final int FIRST_PROBE_INTERVAL = 8;

  /** The most grants between two probes: 8, 16, 32, 64, 128. */
  static final int LONGEST_PROBE_INTERVAL = 128;

  private boolean caching = true;
  private int queueChangesAtLastGrant = -1;
  private int uncachedGrants;
  private int probeInterval = FIRST_PROBE_INTERVAL;
  private boolean probing;

  /**
   * @param remembered if not null, a retired cohort of this resource had stopped caching
   */
  GrantCaching(NotCaching.Since remembered) {
    if (remembered != null) {
      caching = false;
      queueChangesAtLastGrant = remembered.queueChanges();
      uncachedGrants = remembered.uncachedGrants();
      probeInterval = remembered.probeInterval();
    }
  }

  /** A new grant, whose queue had changed {@code changes} times when it was read. */
  void granted(int changes) {
    probing = false;
    if (!caching && queueChangesAtLastGrant >= 0 && changes == queueChangesAtLastGrant + 2) {
      caching = true;
    } else if (!caching && ++uncachedGrants >= probeInterval) {
      caching = true;
      probing = true;
    }
    if (caching) {
      uncachedGrants = 0;
    }
    queueChangesAtLastGrant = changes;
  }

  /** The grant goes to another member after {@code localGrants} local grants under it. */
  void yielded(long localGrants) {
    caching = localGrants > 1;
    if (caching) {
      probeInterval = FIRST_PROBE_INTERVAL;
    } else if (probing) {
      probeInterval = Math.min(probeInterval * 2, LONGEST_PROBE_INTERVAL);
    }
    probing = false;
  }

  /** Whether a grant is kept after the last local release. */
  boolean on() {
    return caching;
  }

  /** Grants between two probes now; for tests. */
  int probeInterval() {
    return probeInterval;
  }

  /** What to remember when the cohort retires: null while caching. */
  NotCaching.Since remembered() {
    return caching
        ? null
        : new NotCaching.Since(queueChangesAtLastGrant, uncachedGrants, probeInterval);
  }
}
