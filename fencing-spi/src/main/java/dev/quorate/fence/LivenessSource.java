package dev.quorate.fence;

import dev.quorate.quorum.MemberId;
import java.util.OptionalLong;

/**
 * Evidence that a member still lives even though the requester's partition has lost it: a quorum
 * disk heartbeat slot whose sequence still changes, a storage lease still renewed (oVirt skips a
 * fence while the host renews its lease). The {@link TopologyFenceGuard} vetoes fencing a target
 * whose evidence is fresher than its liveness window: a member that still writes to shared storage
 * is more likely cut off by the network than dead, and shooting it on a wrong guess costs its
 * votes.
 *
 * <p>The source reports when it last <em>saw the evidence change</em>, on the observer's own
 * monotonic clock, never a timestamp the member wrote itself: comparing two machines' clocks would
 * turn clock skew into false liveness or false death. The guard compares that time with its own
 * clock, so both must share one time base (by default {@link System#nanoTime()}). The quorum disk
 * implements this interface; tests use a lambda.
 *
 * <pre>{@code
 * LivenessSource qdisk = member -> disk.lastSequenceChangeNanos(member.value());
 * TopologyFenceGuard guard =
 *     TopologyFenceGuard.builder(policy, quorum::state)
 *         .member("node-a", 1)
 *         .member("node-b", 2)
 *         .livenessSource(qdisk)
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface LivenessSource {
  /**
   * Returns when the member's liveness evidence was last seen to change. Must not block for long:
   * the guard asks on the fencing path. May throw; the guard then refuses rather than guesses.
   *
   * @param member the member asked about
   * @return the monotonic time in nanoseconds of the last observed change, or empty if this source
   *     has never seen the member (which is no evidence either way)
   */
  OptionalLong lastSeenNanos(MemberId member);

  /**
   * Returns a name for explanations and logs, such as {@code qdisk} or {@code sanlock}.
   *
   * @return the name; by default the implementing class's simple name
   */
  default String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() || simple.contains("$$Lambda") ? "liveness source" : simple;
  }
}
