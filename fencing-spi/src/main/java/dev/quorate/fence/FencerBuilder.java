package dev.quorate.fence;

import dev.quorate.fence.internal.LevelFencer;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.MonotonicClock;
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
  private FenceHistory history;
  private FenceCoordinator coordinator;
  private MonotonicClock clock = MonotonicClock.system();
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
   * Sets the coordinator that makes this fencer act as one with the fencers of the other members:
   * per-target claims, one host-level fence in flight per cluster and host, one shared history. By
   * default {@link FenceCoordinator#local} over {@link #history}.
   *
   * @param coordinator the coordinator; its history is the fencer's history
   * @return this builder
   */
  public FencerBuilder coordinator(FenceCoordinator coordinator) {
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    return this;
  }

  /**
   * Sets the clock for deadlines, delays, quiet times and timestamps.
   *
   * @param clock the clock
   * @return this builder
   */
  public FencerBuilder clock(MonotonicClock clock) {
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
   * Builds the fencer, after the guard has checked the topology ({@link FenceGuard#check}).
   *
   * @return the fencer
   * @throws ConfigurationException if both a history and a coordinator are set (the coordinator
   *     brings its own history), or the guard refuses the topology
   */
  public Fencer build() {
    if (history != null && coordinator != null) {
      throw new ConfigurationException(
          "fencer: set a history or a coordinator, not both; the coordinator's history is the"
              + " fencer's history");
    }
    guard.check(topology);
    FenceCoordinator coordination =
        coordinator != null
            ? coordinator
            : FenceCoordinator.local(history != null ? history : FenceHistory.inMemory());
    return new LevelFencer(
        topology, agents, guard, coordination, clock, random, deadline, maxAttempts, retryPause);
  }
}
