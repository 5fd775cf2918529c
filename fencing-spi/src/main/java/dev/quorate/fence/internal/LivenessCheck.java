package dev.quorate.fence.internal;

import dev.quorate.fence.LivenessSource;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.quorum.MemberId;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Asks every liveness source about one member and judges freshness on the guard's own monotonic
 * clock. A source that fails makes the answer unknown, never "dead": a guess of death is how a live
 * member gets shot.
 */
final class LivenessCheck {
  /** What the sources say about one member. */
  record Verdict(Status status, String detail) {
    boolean showsLife() {
      return status != Status.NO_FRESH_EVIDENCE;
    }
  }

  /** The three answers. */
  enum Status {
    ALIVE,
    UNKNOWN,
    NO_FRESH_EVIDENCE
  }

  private final List<LivenessSource> sources;
  private final Duration window;
  private final MonotonicClock clock;

  LivenessCheck(List<LivenessSource> sources, Duration window, MonotonicClock clock) {
    this.sources = sources;
    this.window = window;
    this.clock = clock;
  }

  boolean configured() {
    return !sources.isEmpty();
  }

  Verdict check(MemberId member) {
    for (LivenessSource source : sources) {
      OptionalLong seen;
      try {
        seen = source.lastSeenNanos(member);
      } catch (RuntimeException e) {
        return new Verdict(Status.UNKNOWN, "liveness source " + source.name() + " failed: " + e);
      }
      if (seen == null) {
        return new Verdict(
            Status.UNKNOWN, "liveness source " + source.name() + " returned null, not an answer");
      }
      if (seen.isPresent()) {
        // A time ahead of our clock is still evidence of life (age 0), never a reason to fence.
        long age = Math.max(0, clock.nanoTime() - seen.getAsLong());
        if (age <= window.toNanos()) {
          return new Verdict(
              Status.ALIVE,
              source.name()
                  + " saw it alive "
                  + Duration.ofNanos(age).toMillis()
                  + " ms ago (window "
                  + window.toMillis()
                  + " ms)");
        }
      }
    }
    return new Verdict(Status.NO_FRESH_EVIDENCE, "no fresh liveness evidence");
  }
}
