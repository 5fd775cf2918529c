package dev.quorate.fence.internal;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceCoordinator;
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
import dev.quorate.lock.MonotonicClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Fencer}: delays, guard, levels, retries inside one deadline, history. */
public final class LevelFencer implements Fencer {
  private static final Logger log = LoggerFactory.getLogger(LevelFencer.class);

  private final FenceTopology topology;
  private final FenceAgents agents;
  private final FenceGuard guard;
  private final FenceCoordinator coordinator;
  private final FenceHistory history;
  private final MonotonicClock clock;
  private final RandomGenerator random;
  private final Duration deadline;
  private final int maxAttempts;
  private final Duration retryPause;
  private final Map<String, Long> lastFencedNanos = new ConcurrentHashMap<>();

  /**
   * Creates the fencer; use {@link Fencer#builder}.
   *
   * @param topology devices, levels, policies
   * @param agents agent lookup
   * @param guard decides each level
   * @param coordinator target and host claims, and the history records go to
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
      FenceCoordinator coordinator,
      MonotonicClock clock,
      RandomGenerator random,
      Duration deadline,
      int maxAttempts,
      Duration retryPause) {
    this.topology = topology;
    this.agents = agents;
    this.guard = guard;
    this.coordinator = coordinator;
    this.history = coordinator.history();
    this.clock = clock;
    this.random = random;
    this.deadline = deadline;
    this.maxAttempts = maxAttempts;
    this.retryPause = retryPause;
  }

  /**
   * The last power cut of a target on this run's monotonic clock: this fencer's own, or one the
   * history holds from an earlier run, another process or another member (a shared history). The
   * history's timestamps are wall-clock; a finish that lies in the future (the clock went back, or
   * another member's clock runs ahead) counts as just now, which refuses rather than guesses, for
   * one quiet time at most.
   *
   * @return the monotonic time of that cut, or null if none is recorded
   */
  private Long lastCut(String target) {
    Long recorded =
        history.forTarget(target).stream()
            .filter(r -> r.status() == Status.SUCCEEDED && r.action() != FenceAction.ON)
            .reduce((older, newer) -> newer)
            .map(
                r ->
                    clock.nanoTime()
                        - Math.max(0, Duration.between(r.finishedAt(), clock.now()).toNanos()))
            .orElse(null);
    Long own = lastFencedNanos.get(target);
    if (recorded == null || own == null) {
      return recorded == null ? own : recorded;
    }
    return Math.max(recorded, own);
  }

  @Override
  public FenceHistory history() {
    return history;
  }

  @Override
  public FenceRecord confirm(String target, String operator, String reason) {
    OptionRules.checkName("target", target);
    OptionRules.checkName("operator", operator);
    Objects.requireNonNull(reason, "reason");
    if (topology.levels(target).isEmpty()) {
      throw new ConfigurationException(
          "cannot confirm "
              + target
              + ": it is not a fence target of this fencer (no level is configured for it)");
    }
    FenceRecord record = FenceRecord.confirmation(clock.now(), target, operator, reason);
    history.append(record);
    lastFencedNanos.put(target, clock.nanoTime());
    log.warn("fence of {} confirmed by hand by {}: {}", target, operator, reason);
    return record;
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
    try (FenceCoordinator.Claim claim = coordinator.claimTarget(request.target(), deadline)) {
      if (!claim.granted()) {
        return trail.refusedBeforeLevels(
            FenceReason.REFUSED_TARGET_FENCE_IN_FLIGHT, claim.explanation());
      }
      Optional<FenceRecord> peer = peerOutcome(request, claim.recordedWhileWaiting());
      if (peer.isPresent()) {
        FenceRecord done = peer.get();
        return trail.finish(
            null,
            Status.SUCCEEDED,
            FenceReason.FENCED_BY_PEER,
            done.requester()
                + " "
                + (done.reason() == FenceReason.CONFIRMED_BY_OPERATOR ? "confirmed" : "fenced")
                + " "
                + request.target()
                + " ("
                + done.reason()
                + (done.level() > 0 ? " at level " + done.level() : "")
                + ") while this request waited; not fenced twice");
      }
      TargetPolicy policy = topology.policy(request.target());
      if (request.cutsPower()) {
        Long last = lastCut(request.target());
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
    }
  }

  /** A success of the same kind (a cut for a cut, a power-on for an unfence) by someone else. */
  private static Optional<FenceRecord> peerOutcome(FenceRequest request, List<FenceRecord> since) {
    return since.stream()
        .filter(r -> r.status() == Status.SUCCEEDED)
        .filter(r -> (r.action() != FenceAction.ON) == request.cutsPower())
        .reduce((older, newer) -> newer);
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
        trail.record(level, Status.REFUSED, decision.reason(), decision.explanation());
        continue;
      }
      boolean hostLevel = proposal.scope() == FenceScope.HOST && request.cutsPower();
      Set<String> hosts = HostFenceRule.poweredHosts(devices);
      try (FenceCoordinator.Claim hostClaim =
          hostLevel ? coordinator.claimHosts(request.target(), hosts) : null) {
        if (hostClaim != null && !hostClaim.granted()) {
          trail.record(
              level,
              Status.REFUSED,
              FenceReason.REFUSED_HOST_FENCE_IN_FLIGHT,
              hostClaim.explanation());
          continue;
        }
        LevelRunner.Attempt attempt = attempts(proposal, decision, trail, until);
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
            attempt.reason() == FenceReason.DEADLINE_EXCEEDED
                ? Status.TIMED_OUT
                : attempt.refused() ? Status.REFUSED : Status.FAILED;
        trail.record(level, status, attempt.reason(), attempt.explanation());
      }
    }
    return trail.lastResult();
  }

  private LevelRunner.Attempt attempts(
      FenceProposal proposal, FenceDecision decision, Trail trail, Deadline until)
      throws InterruptedException {
    FenceRequest request = proposal.request();
    LevelRunner.Attempt attempt = null;
    for (int n = 1; n <= maxAttempts; n++) {
      // VMs migrate: the placement the decision relied on must still hold as the agent starts.
      FenceDecision now =
          Objects.requireNonNull(
              guard.recheck(proposal, decision), "the fence guard's recheck returned null");
      if (!now.allowed()) {
        return LevelRunner.Attempt.refused(now.reason(), now.explanation());
      }
      LevelRunner runner = new LevelRunner(agents);
      attempt = runner.run(request, proposal.devices(), until);
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
