package dev.quorate.lock;

import java.time.Instant;
import java.util.Objects;

/**
 * Who leads an {@link Election}, since when, and with which epoch.
 *
 * <pre>{@code
 * election.leader().ifPresent(leader -> System.out.println(leader.candidate() + " leads"));
 * }</pre>
 *
 * @param candidate the name the leader campaigned with
 * @param since when it was elected, to the millisecond, by the leader's own clock (for people, not
 *     for ordering)
 * @param epoch the leadership's token, greater than every earlier leadership's
 */
public record Leader(String candidate, Instant since, FencingToken epoch) {
  /**
   * Checks that no part is null.
   *
   * @param candidate the name the leader campaigned with
   * @param since when it was elected
   * @param epoch the leadership's token
   */
  public Leader {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(epoch, "epoch");
  }
}
