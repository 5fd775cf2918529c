package dev.quorate.fence;

import dev.quorate.fence.internal.LevelFencer;
import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Configures a {@link Fencer}. Defaults: in-memory history, system clock, a 120 s deadline, 2
 * attempts per level, 1 s between attempts. Not thread-safe; the fencer it builds is.
 *
 * <pre>{@code
 * Fencer fencer =
 *     Fencer.builder(topology, agents, guard)
 *         .deadline(Duration.ofSeconds(90))
 *         .maxAttempts(3)
 *         .retryPause(Duration.ofSeconds(2))
 *         .build();
 * }</pre>
 */
public final class FencerBuilder {
  private final FenceTopology topology;
  private final FenceAgents agents;
  private final FenceGuard guard;
  private FenceHistory history = FenceHistory.inMemory();
  private FenceClock clock = FenceClock.system();
  private RandomGenerator random = RandomGenerator.getDefault();
  private Duration deadline = Duration.ofSeconds(120);
  private int maxAttempts = 2;
  private Duration retryPause = Duration.ofSeconds(1);

  FencerBuilder(FenceTopology topology, FenceAgents agents, FenceGuard guard) {
    this.topology = Objects.requireNonNull(topology, "topology");
    this.agents = Objects.requireNonNull(agents, "agents");
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  /**
   * Sets where decisions and outcomes are recorded.
   *
   * @param history the history
   * @return this builder
   */
  public FencerBuilder history(FenceHistory history) {
    this.history = Objects.requireNonNull(history, "history");
    return this;
  }

  /**
   * Sets the clock for deadlines, delays, quiet times and timestamps.
   *
   * @param clock the clock
   * @return this builder
   */
  public FencerBuilder clock(FenceClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Sets the source of the random part of fence delays.
   *
   * @param random the generator
   * @return this builder
   */
  public FencerBuilder random(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /**
   * Sets the one deadline inside which all levels and retries of a request run. It starts after the
   * target's delay.
   *
   * @param deadline a positive duration
   * @return this builder
   * @throws ConfigurationException if not positive
   */
  public FencerBuilder deadline(Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new ConfigurationException("fence deadline " + deadline + " must be positive");
    }
    this.deadline = deadline;
    return this;
  }

  /**
   * Sets how often a failed level is tried before the next level.
   *
   * @param maxAttempts 1 or more
   * @return this builder
   * @throws ConfigurationException if below 1
   */
  public FencerBuilder maxAttempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new ConfigurationException("maxAttempts " + maxAttempts + " must be at least 1");
    }
    this.maxAttempts = maxAttempts;
    return this;
  }

  /**
   * Sets the pause between attempts of a level.
   *
   * @param retryPause zero or positive
   * @return this builder
   * @throws ConfigurationException if negative
   */
  public FencerBuilder retryPause(Duration retryPause) {
    if (retryPause.isNegative()) {
      throw new ConfigurationException("retryPause " + retryPause + " must not be negative");
    }
    this.retryPause = retryPause;
    return this;
  }

  /**
   * Builds the fencer.
   *
   * @return the fencer
   */
  public Fencer build() {
    return new LevelFencer(
        topology, agents, guard, history, clock, random, deadline, maxAttempts, retryPause);
  }
}
