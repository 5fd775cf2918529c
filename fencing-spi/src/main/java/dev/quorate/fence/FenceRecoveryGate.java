package dev.quorate.fence;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.RecoveryGate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RecoveryGate} that opens once the fence history shows the lost holder stopped: a
 * successful fence that cut its power ({@link FenceReason#FENCED}, {@link
 * FenceReason#FENCED_ALREADY_OFF}) or an operator's {@link Fencer#confirm} ({@link
 * FenceReason#CONFIRMED_BY_OPERATOR}), <em>started</em> ({@link FenceRecord#requestedAt()}) after
 * the holder's grant was recorded; or, if a self-fence deadline is set, once that deadline has
 * passed since the holder's session was seen gone, on the monotonic clock (SBD's rule: a member
 * that lost its session or quorum has stopped itself by then, its watchdog sees to it).
 *
 * <p>Why the start and not the end: the power was surely cut after the grant only if the fence
 * began after it. A {@link FenceAction#REBOOT} finishes after the power is back; a guest that boots
 * fast and is granted the lock again before the fencer writes its record would otherwise have its
 * new grant covered by the reboot that preceded it. A {@link FenceReason#FENCED_BY_PEER} record
 * does not open the gate: it only says another fencer's request succeeded, and that fencer's own
 * record (with its own start) is in the shared history.
 *
 * <p>Pass the history every member shares (with a shared coordinator, the fencer's own history), so
 * that a fence done by any member opens the gate everywhere. An unfence or a failed fence never
 * opens it.
 *
 * <p>Clocks: "after the holder's grant" compares the record's {@code requestedAt} (the fencing
 * member's wall clock) with {@code heldSince} (the lock service's wall clock). Keep the clocks
 * synchronised: a fencer clock ahead by more than a member's reboot-and-rejoin time could count a
 * fence of the member's earlier life (unsafe); one behind by more than the time from a grant to its
 * fence does not count a real fence (the lock stays withheld until an operator confirms).
 *
 * <pre>{@code
 * RecoveryGate gate = FenceRecoveryGate.of(fencer.history())
 *     .withSelfFenceDeadline(Duration.ofSeconds(40)); // session timeout + watchdog timeout
 * Lock lock = manager.lock("vm/web-1", LockOptions.builder().recoveryGate(gate).build());
 * }</pre>
 */
public final class FenceRecoveryGate implements RecoveryGate {
  private static final Set<FenceReason> STOPPED =
      Set.of(FenceReason.FENCED, FenceReason.FENCED_ALREADY_OFF, FenceReason.CONFIRMED_BY_OPERATOR);

  private final FenceHistory history;
  private final Duration selfFenceDeadline;
  private final MonotonicClock clock;

  private FenceRecoveryGate(
      FenceHistory history, Duration selfFenceDeadline, MonotonicClock clock) {
    this.history = history;
    this.selfFenceDeadline = selfFenceDeadline;
    this.clock = clock;
  }

  /**
   * Returns a gate that opens only on a fence or an operator's confirmation in {@code history}.
   *
   * @param history the shared fence history
   * @return the gate
   * @throws NullPointerException if {@code history} is null
   */
  public static FenceRecoveryGate of(FenceHistory history) {
    return new FenceRecoveryGate(
        Objects.requireNonNull(history, "history"), null, MonotonicClock.system());
  }

  /**
   * Returns a copy that also opens once {@code deadline} has passed since the loss was seen: use
   * the lost member's session (or quorum) timeout plus its watchdog timeout, only where every
   * member runs a watchdog that stops it by then.
   *
   * @param deadline a positive duration
   * @return the new gate
   * @throws ConfigurationException if {@code deadline} is zero or negative
   */
  public FenceRecoveryGate withSelfFenceDeadline(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isZero() || deadline.isNegative()) {
      throw new ConfigurationException(
          "recovery gate self-fence deadline: "
              + deadline
              + " is invalid; accepted: a positive duration (the lost member's session or quorum"
              + " timeout plus its watchdog timeout)");
    }
    return new FenceRecoveryGate(history, deadline, clock);
  }

  /**
   * Returns a copy that reads time from {@code clock}; for tests.
   *
   * @param clock the clock
   * @return the new gate
   * @throws NullPointerException if {@code clock} is null
   */
  public FenceRecoveryGate withClock(MonotonicClock clock) {
    return new FenceRecoveryGate(
        history, selfFenceDeadline, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Returns the self-fence deadline, if one is set.
   *
   * @return the deadline, if any
   */
  public Optional<Duration> selfFenceDeadline() {
    return Optional.ofNullable(selfFenceDeadline);
  }

  @Override
  public boolean recovered(String owner, Instant heldSince, long lostAtNanos) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(heldSince, "heldSince");
    for (FenceRecord r : history.forTarget(owner)) {
      if (r.status() == FenceResult.Status.SUCCEEDED
          && STOPPED.contains(r.reason())
          && r.action() != FenceAction.ON
          && !r.requestedAt().isBefore(heldSince)) {
        return true;
      }
    }
    return selfFenceDeadline != null
        && clock.nanoTime() - lostAtNanos >= selfFenceDeadline.toNanos();
  }

  @Override
  public String toString() {
    return "FenceRecoveryGate[selfFenceDeadline="
        + (selfFenceDeadline == null ? "none" : selfFenceDeadline)
        + "]";
  }
}
