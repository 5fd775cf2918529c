package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a {@link Cohort} caches its grants again after it stopped: probes, backing off while they
 * serve one holder only (two members alternating), and starting over once a kept grant pays.
 */
@Timeout(10)
class GrantCachingTest {
  /** Queue changes between two grants of ours when another member took the lock in between. */
  private static final int OTHERS_BETWEEN = 4;

  private int changes;

  /** A caching that stopped: its first grant served one holder and went to another member. */
  private GrantCaching stopped() {
    GrantCaching caching = new GrantCaching(null);
    caching.granted(changes);
    caching.yielded(1);
    assertThat(caching.on()).isFalse();
    return caching;
  }

  /** Grants (another member's grant between each two) until one is cached: how many it took. */
  private int grantsUntilCached(GrantCaching caching) {
    int grants = 0;
    do {
      changes += OTHERS_BETWEEN;
      caching.granted(changes);
      grants++;
    } while (!caching.on());
    return grants;
  }

  @Test
  void eachProbeThatServedOneHolderDoublesTheIntervalUpToTheLongest() {
    GrantCaching caching = stopped();
    for (int interval : new int[] {8, 16, 32, 64, 128, 128}) {
      assertThat(grantsUntilCached(caching)).as("grants until the probe").isEqualTo(interval);
      caching.yielded(1); // the probe served one holder, then the other member took it
      assertThat(caching.on()).isFalse();
    }
    assertThat(caching.probeInterval()).isEqualTo(GrantCaching.LONGEST_PROBE_INTERVAL);
  }

  @Test
  void aKeptGrantThatServedAgainStartsTheIntervalOver() {
    GrantCaching caching = stopped();
    grantsUntilCached(caching);
    caching.yielded(1);
    grantsUntilCached(caching);
    caching.yielded(1);
    assertThat(caching.probeInterval()).isEqualTo(32);
    grantsUntilCached(caching);
    caching.yielded(2); // the probe's grant served a second local request: caching pays
    assertThat(caching.on()).isTrue();
    assertThat(caching.probeInterval()).isEqualTo(GrantCaching.FIRST_PROBE_INTERVAL);
    changes += OTHERS_BETWEEN;
    caching.granted(changes);
    caching.yielded(1); // alternation again: stops, and probes after the first interval
    assertThat(grantsUntilCached(caching)).isEqualTo(GrantCaching.FIRST_PROBE_INTERVAL);
  }

  @Test
  void aGrantAfterOnlyOurOwnDeleteAndCreateCachesAtOnceWithoutTouchingTheInterval() {
    GrantCaching caching = stopped();
    grantsUntilCached(caching);
    caching.yielded(1);
    changes += 2; // nobody else touched the queue since our previous grant
    caching.granted(changes);
    assertThat(caching.on()).isTrue();
    caching.yielded(1);
    assertThat(caching.probeInterval()).isEqualTo(16);
  }

  @Test
  void aRetiredCohortsSuccessorKeepsTheInterval() {
    GrantCaching caching = stopped();
    grantsUntilCached(caching);
    caching.yielded(1);
    NotCaching.Since remembered = caching.remembered();
    assertThat(remembered).isNotNull();
    GrantCaching next = new GrantCaching(remembered);
    assertThat(next.on()).isFalse();
    assertThat(grantsUntilCached(next)).isEqualTo(16);
  }
}
