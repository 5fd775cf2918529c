package dev.quorate.fence;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Timing rules for fencing one target. The delays exist for fence races in two-node clusters: when
 * both sides lose each other, both try to fence; a delay before fencing the member that should
 * survive gives it the head start, so exactly one side is shot.
 *
 * <p>The delay before an off or reboot is {@code delayBase} plus a random part so that the sum
 * stays at or below {@code delayMax}, plus {@code priorityDelay} (give it to the member that runs
 * the more important resources; make it about twice the largest {@code delayMax}). {@code
 * quietTime} refuses a new fence of the target that soon after a successful one, which breaks fence
 * loops after a rejoin.
 *
 * <pre>{@code
 * TargetPolicy primary =
 *     new TargetPolicy(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(15), Duration.ofMinutes(2));
 * }</pre>
 *
 * @param delayBase the static delay
 * @param delayMax the most that static and random delay add up to; zero or at least {@code
 *     delayBase}
 * @param priorityDelay an extra delay for the member that should win a fence race
 * @param quietTime how long after a successful fence a new one of the target is refused
 */
public record TargetPolicy(
    Duration delayBase, Duration delayMax, Duration priorityDelay, Duration quietTime) {

  /** No delay and no quiet time. */
  public static final TargetPolicy NONE =
      new TargetPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /**
   * Validates the policy.
   *
   * @param delayBase the static delay
   * @param delayMax the most static and random delay add up to
   * @param priorityDelay the extra delay
   * @param quietTime the quiet time
   * @throws ConfigurationException if a duration is negative or {@code delayMax} is positive but
   *     below {@code delayBase}
   */
  public TargetPolicy {
    check("delayBase", delayBase);
    check("delayMax", delayMax);
    check("priorityDelay", priorityDelay);
    check("quietTime", quietTime);
    if (!delayMax.isZero() && delayMax.compareTo(delayBase) < 0) {
      throw new ConfigurationException(
          "delayMax " + delayMax + " is below delayBase " + delayBase + ": expected 0 or >= base");
    }
  }

  private static void check(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new ConfigurationException(name + " " + value + " must not be negative");
    }
  }
}
