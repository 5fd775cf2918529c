package dev.quorate.fence.internal;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceClock;
import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceProposal;
import dev.quorate.fence.FenceReason;
import dev.quorate.fence.FenceRecord;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.FenceResult.Status;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.TargetPolicy;
import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Fencer}: delays, guard, levels, retries inside one deadline, history. */
public final class LevelFencer implements Fencer {
  private static final Logger log = LoggerFactory.getLogger(LevelFencer.class);

  private final FenceTopology topology;
  private final FenceAgents agents;
  private final FenceGuard guard;
  private final FenceHistory history;
  private final FenceClock clock;
  private final RandomGenerator random;
  private final Duration deadline;
  private final int maxAttempts;
  private final Duration retryPause;
  private final Set<String> targetsInFlight = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> hostFenceInFlight = new AtomicReference<>();
  private final Map<String, Long> lastFencedNanos = new ConcurrentHashMap<>();

  /**
   * Creates the fencer; use {@link Fencer#builder}.
   *
   * @param topology devices, levels, policies
   * @param agents agent lookup
   * @param guard decides each level
   * @param history where records go
   * @param clock time source
   * @param random random part of delays
   * @param deadline budget of one request after its delay
   * @param maxAttempts attempts per level
   * @param retryPause pause between attempts
   */
  public LevelFencer(
      FenceTopology topology,
      FenceAgents agents,
      FenceGuard guard,
      FenceHistory history,
      FenceClock clock,
      RandomGenerator random,
      Duration deadline,
      int maxAttempts,
      Duration retryPause) {
    this.topology = topology;
    this.agents = agents;
    this.guard = guard;
    this.history = history;
    this.clock = clock;
    this.random = random;
    this.deadline = deadline;
    this.maxAttempts = maxAttempts;
    this.retryPause = retryPause;
  }

  /**
   * Carries a power cut recorded by an earlier run of the fencer (a restart, or another process on
   * the same history file) over to this run's monotonic clock, so the quiet time survives a
   * restart. The history's timestamps are wall-clock; a finish that lies in the future (the clock
   * went back) counts as just now, which refuses rather than guesses, for one quiet time at most.
   *
   * @return the monotonic time of that cut on this run's clock, or null if none is recorded
   */
  private Long fencedBeforeStart(String target) {
    return history.forTarget(target).stream()
        .filter(r -> r.status() == Status.SUCCEEDED && r.action() != FenceAction.ON)
        .reduce((older, newer) -> newer)
        .map(
            r ->
                clock.nanoTime()
                    - Math.max(0, Duration.between(r.finishedAt(), clock.now()).toNanos()))
        .orElse(null);
  }

  @Override
  public FenceHistory history() {
    return history;
  }

  @Override
  public FenceResult fence(FenceRequest request) throws InterruptedException {
    long start = clock.nanoTime();
    Instant requestedAt = clock.now();
    List<FenceLevel> levels = topology.levels(request.target());
    if (levels.isEmpty()) {
      throw new ConfigurationException("no fence level is configured for " + request.target());
    }
    for (FenceLevel level : levels) {
      topology.devices(level).forEach(d -> agents.agent(d.agent())); // fail fast on a missing agent
    }
    Trail trail = new Trail(request, requestedAt, start);
    if (!targetsInFlight.add(request.target())) {
      return trail.refusedBeforeLevels(
          FenceReason.REFUSED_TARGET_FENCE_IN_FLIGHT,
          "a fence of " + request.target() + " is already running");
    }
    try {
      TargetPolicy policy = topology.policy(request.target());
      if (request.cutsPower()) {
        Long last = lastFencedNanos.computeIfAbsent(request.target(), this::fencedBeforeStart);
        if (last != null && clock.nanoTime() - last < policy.quietTime().toNanos()) {
          return trail.refusedBeforeLevels(
              FenceReason.REFUSED_QUIET_TIME,
              request.target() + " was fenced less than " + policy.quietTime() + " ago");
        }
        Duration delay = delay(policy);
        if (!delay.isZero()) {
          log.info("waiting {} before fencing {} (fence race delay)", delay, request.target());
          clock.sleep(delay);
        }
      }
      return runLevels(request, levels, trail, Deadline.after(clock, deadline));
    } finally {
      targetsInFlight.remove(request.target());
    }
  }

  private FenceResult runLevels(
      FenceRequest request, List<FenceLevel> levels, Trail trail, Deadline until)
      throws InterruptedException {
    for (FenceLevel level : levels) {
      if (until.expired()) {
        return trail.finish(
            level,
            Status.TIMED_OUT,
            FenceReason.DEADLINE_EXCEEDED,
            "the fence deadline of " + deadline + " passed before level " + level.index());
      }
      List<FenceDevice> devices = topology.devices(level);
      FenceProposal proposal = new FenceProposal(request, level, devices);
      FenceDecision decision =
          Objects.requireNonNull(guard.decide(proposal), "the fence guard returned null");
      if (!decision.allowed()) {
        log.warn(
            "fence guard refused level {} for {}: {} {}",
            level.index(),
            request.target(),
            decision.reason(),
            decision.explanation());
        trail.record(level, Status.REFUSED, decision.reason(), decision.explanation());
        continue;
      }
      log.info(
          "fence guard allowed level {} for {}: {} {}",
          level.index(),
          request.target(),
          decision.reason(),
          decision.explanation());
      boolean hostLevel = proposal.scope() == FenceScope.HOST && request.cutsPower();
      if (hostLevel && !hostFenceInFlight.compareAndSet(null, request.target())) {
        trail.record(
            level,
            Status.REFUSED,
            FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT,
            "a host-level fence of " + hostFenceInFlight.get() + " is in flight; one at a time");
        continue;
      }
      LevelRunner.Attempt attempt;
      try {
        attempt = attempts(request, devices, trail, until);
      } finally {
        if (hostLevel) {
          hostFenceInFlight.set(null);
        }
      }
      if (attempt.succeeded()) {
        if (request.cutsPower()) {
          lastFencedNanos.put(request.target(), clock.nanoTime());
        }
        for (String member : decision.collateral()) {
          trail.recordCollateral(level, member);
        }
        return trail.finish(level, Status.SUCCEEDED, attempt.reason(), attempt.explanation());
      }
      Status status =
          attempt.reason() == FenceReason.DEADLINE_EXCEEDED ? Status.TIMED_OUT : Status.FAILED;
      trail.record(level, status, attempt.reason(), attempt.explanation());
    }
    return trail.lastResult();
  }

  private LevelRunner.Attempt attempts(
      FenceRequest request, List<FenceDevice> devices, Trail trail, Deadline until)
      throws InterruptedException {
    LevelRunner.Attempt attempt = null;
    for (int n = 1; n <= maxAttempts; n++) {
      LevelRunner runner = new LevelRunner(agents);
      attempt = runner.run(request, devices, until);
      trail.outcomes(runner.outcomes());
      if (attempt.succeeded() || attempt.reason() == FenceReason.DEADLINE_EXCEEDED) {
        return attempt;
      }
      log.warn(
          "fence attempt {}/{} of {} failed: {}",
          n,
          maxAttempts,
          request.target(),
          attempt.explanation());
      if (n < maxAttempts) {
        clock.sleep(until.cap(retryPause));
      }
    }
    return attempt;
  }

  /** Base plus a random part keeping the sum within max, plus the priority delay. */
  private Duration delay(TargetPolicy policy) {
    Duration spread = policy.delayMax().minus(policy.delayBase());
    Duration randomPart =
        spread.isNegative() || spread.isZero()
            ? Duration.ZERO
            : Duration.ofMillis(random.nextLong(spread.toMillis() + 1));
    return policy.delayBase().plus(randomPart).plus(policy.priorityDelay());
  }

  /** Collects a request's records and outcomes, and builds its result. */
  private final class Trail {
    private final FenceRequest request;
    private final Instant requestedAt;
    private final long startNanos;
    private final List<dev.quorate.fence.FenceOutcome> outcomes = new java.util.ArrayList<>();
    private FenceRecord last;

    Trail(FenceRequest request, Instant requestedAt, long startNanos) {
      this.request = request;
      this.requestedAt = requestedAt;
      this.startNanos = startNanos;
    }

    void outcomes(List<dev.quorate.fence.FenceOutcome> more) {
      outcomes.addAll(more);
    }

    FenceRecord record(FenceLevel level, Status status, FenceReason reason, String explanation) {
      return record(request.target(), level, status, reason, explanation);
    }

    FenceRecord record(
        String target, FenceLevel level, Status status, FenceReason reason, String why) {
      FenceRecord r =
          new FenceRecord(
              requestedAt,
              clock.now(),
              request.requester(),
              target,
              request.action(),
              level == null ? 0 : level.index(),
              level == null ? List.of() : level.devices(),
              status,
              reason,
              why);
      history.append(r);
      if (target.equals(request.target())) {
        last = r;
      }
      return r;
    }

    void recordCollateral(FenceLevel level, String member) {
      record(
          member,
          level,
          Status.SUCCEEDED,
          FenceReason.FENCED,
          "collateral: shares the host power-cycled to fence " + request.target());
    }

    FenceResult refusedBeforeLevels(FenceReason reason, String explanation) {
      log.warn("fence of {} refused: {} {}", request.target(), reason, explanation);
      return finish(null, Status.REFUSED, reason, explanation);
    }

    FenceResult finish(FenceLevel level, Status status, FenceReason reason, String why) {
      record(level, status, reason, why);
      return lastResult();
    }

    FenceResult lastResult() {
      FenceResult result =
          new FenceResult(
              request,
              last.status(),
              last.level(),
              last.devices(),
              last.reason(),
              last.explanation(),
              outcomes,
              Duration.ofNanos(clock.nanoTime() - startNanos));
      log.info(
          "fence {} of {} by {}: {} {} at level {}",
          request.action().protocolName(),
          request.target(),
          request.requester(),
          result.status(),
          result.reason(),
          result.level());
      return result;
    }
  }
}
