package dev.quorate.quorum;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.lock.spi.SerialExecutor;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local member's {@link QuorumState} as memberships arrive, and publishes every change.
 *
 * <p>Feed it with {@link #update(Collection)} or {@link #update(Membership)} whenever the
 * membership changes (lock-zk's ZooKeeper membership does; a static list or a test does too), and
 * call {@link #refresh()} when a {@link VoteSource} may have changed its mind. Time comes from the
 * injected monotonic clock; with a scheduler, the service re-evaluates by itself when a
 * last_man_standing window ends, otherwise the caller calls {@link #refresh()}.
 *
 * <p>Each change becomes one {@link QuorumEvent}, numbered, delivered to every listener exactly
 * once and in order on the notifier, never while the service holds its lock, so a listener may call
 * back into the service. Without quorum, {@link #grantsAllowed()} is false and the {@link
 * NoQuorumPolicy} decides what happens to held leases.
 *
 * <pre>{@code
 * QuorumPolicy policy = QuorumPolicy.builder(topology).autoTieBreaker(TieBreaker.lowest()).build();
 * try (QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build()) {
 *   quorum.addListener(event -> log.info("quorum: {}", event.current()));
 *   quorum.update(Set.of(MemberId.of(1), MemberId.of(2), MemberId.of(3)));
 *   if (quorum.grantsAllowed()) {
 *     startWork();
 *   }
 * }
 * }</pre>
 */
public final class QuorumService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuorumService.class);

  private final QuorumPolicy policy;
  private final MemberId local;
  private final MonotonicClock clock;
  private final NoQuorumPolicy noQuorumPolicy;
  private final SelfFence selfFence;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService ownedNotifier;
  private final Executor notifier;
  private final List<QuorumListener> listeners = new CopyOnWriteArrayList<>();

  // Guards everything below; never held while user code (listeners, callbacks) runs.
  private final ReentrantLock lock = new ReentrantLock();
  private final Queue<QuorumDelivery> pending = new ArrayDeque<>();
  private QuorumState state;
  private Membership lastSeen;
  private long sequence;
  private ScheduledFuture<?> windowTimer;
  private boolean closed;

  private QuorumService(Builder b) {
    this.policy = b.policy;
    this.local = b.local;
    this.clock = b.clock;
    this.noQuorumPolicy = b.noQuorumPolicy;
    this.selfFence = b.selfFence;
    this.scheduler = b.scheduler;
    if (b.notifier == null) {
      this.ownedNotifier =
          Executors.newSingleThreadExecutor(
              DaemonThreads.named("quorate-quorum-notifier-" + b.local));
      this.notifier = ownedNotifier;
    } else {
      this.ownedNotifier = null;
      this.notifier = new SerialExecutor(b.notifier);
    }
    this.state = policy.initialState(b.persistedExpectedVotes);
    for (String warning : policy.warnings()) {
      log.warn("quorum topology: {}", warning);
    }
  }

  /**
   * Starts a service for the local member.
   *
   * @param policy the quorum rules and topology
   * @param localMember this member's id; every membership must contain it
   * @return a new builder
   * @throws ConfigurationException if {@code localMember} is not in the policy's topology
   */
  public static Builder builder(QuorumPolicy policy, MemberId localMember) {
    return new Builder(policy, localMember);
  }

  /**
   * Evaluates a new membership: the members in the local member's partition. The policy's vote
   * sources are asked whether they cast for it.
   *
   * @param present the members this member currently sees, itself included
   * @return the state after the update
   * @throws IllegalArgumentException if the local member is missing or a member is unknown
   * @throws QuorateException with {@link ErrorCode#CLOSED} after {@link #close()}
   */
  public QuorumState update(Collection<MemberId> present) {
    return update(Membership.of(present));
  }

  /**
   * Evaluates a new membership. Its vote sources are replaced by the answers of the policy's vote
   * sources; its quorate reporters are kept (see {@link Membership}).
   *
   * @param seen what this member currently sees, itself included
   * @return the state after the update
   * @throws IllegalArgumentException if the local member is missing or a member is unknown
   * @throws QuorateException with {@link ErrorCode#CLOSED} after {@link #close()}
   */
  public QuorumState update(Membership seen) {
    Objects.requireNonNull(seen, "seen");
    if (!seen.present().contains(local)) {
      throw new IllegalArgumentException(
          "membership " + seen.present() + " must contain the local member " + local);
    }
    return evaluate(seen);
  }

  /**
   * Re-evaluates the last membership at the clock's current time: call it when a vote source
   * changed, or when a last_man_standing window ended and no scheduler was given.
   *
   * @return the state after the refresh
   * @throws QuorateException with {@link ErrorCode#CLOSED} after {@link #close()}
   */
  public QuorumState refresh() {
    lock.lock();
    Membership seen;
    try {
      seen = lastSeen;
    } finally {
      lock.unlock();
    }
    return seen == null ? state() : evaluate(seen);
  }

  private QuorumState evaluate(Membership seen) {
    QuorumState result;
    lock.lock();
    try {
      if (closed) {
        throw new QuorateException(
            ErrorCode.CLOSED, "quorum service of member " + local + " is closed");
      }
      Set<String> casting =
          policy.voteSources().values().stream()
              .filter(source -> casts(source, seen.present()))
              .map(VoteSource::name)
              .collect(Collectors.toSet());
      Membership withSources = seen.withVoteSources(casting);
      QuorumState previous = state;
      result = policy.evaluate(previous, withSources, clock.nanoTime());
      lastSeen = withSources;
      state = result;
      if (!result.equals(previous)) {
        QuorumEvent event = new QuorumEvent(++sequence, previous, result, noQuorumPolicy);
        pending.add(new QuorumDelivery(event, List.copyOf(listeners)));
        log.info("quorum change {} at member {}: {}", event.sequence(), local, result);
      }
      scheduleWindow(result);
    } finally {
      lock.unlock();
    }
    try {
      notifier.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // Only after close() shut the notifier down; events of a closed service are not delivered.
      log.debug("quorum service of member {} closed; change not delivered", local, e);
    }
    return result;
  }

  /**
   * A source that fails to answer casts no vote: had its exception escaped, this evaluation (a
   * member cut off, say) would be lost and the previous, maybe quorate, state would stand.
   */
  private boolean casts(VoteSource source, SortedSet<MemberId> partition) {
    try {
      return source.castsVote(partition);
    } catch (RuntimeException e) {
      log.error(
          "vote source {} of member {} failed; counted as not casting its vote",
          source.name(),
          local,
          e);
      return false;
    }
  }

  private void scheduleWindow(QuorumState result) {
    if (scheduler == null) {
      return;
    }
    if (windowTimer != null) {
      windowTimer.cancel(false);
      windowTimer = null;
    }
    if (result.lastManStandingDeadline().isPresent()) {
      long delay = Math.max(0, result.lastManStandingDeadline().getAsLong() - clock.nanoTime());
      windowTimer = scheduler.schedule(this::refreshQuietly, delay, TimeUnit.NANOSECONDS);
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (QuorateException e) {
      if (e.code() != ErrorCode.CLOSED) {
        throw e;
      }
      // Closed while the window timer was due: nothing left to evaluate.
    }
  }

  /** Delivers queued events one at a time, in order; runs on the (serial) notifier. */
  private void drain() {
    while (true) {
      QuorumDelivery next;
      lock.lock();
      try {
        next = pending.poll();
      } finally {
        lock.unlock();
      }
      if (next == null) {
        return;
      }
      next.run(selfFence);
    }
  }

  /**
   * Returns the current state.
   *
   * @return the state after the latest evaluation
   */
  public QuorumState state() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Tells lock managers whether they may grant leases now: the local partition is quorate and the
   * service is open.
   *
   * @return true if new grants are allowed
   */
  public boolean grantsAllowed() {
    lock.lock();
    try {
      return !closed && state.quorate();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the configured no-quorum policy.
   *
   * @return the policy
   */
  public NoQuorumPolicy noQuorumPolicy() {
    return noQuorumPolicy;
  }

  /**
   * Returns the quorum rules this service applies.
   *
   * @return the policy
   */
  public QuorumPolicy policy() {
    return policy;
  }

  /**
   * Registers a listener for every change after this call.
   *
   * @param listener the listener
   * @return the current state, so the caller starts from a state no later event misses
   */
  public QuorumState addListener(QuorumListener listener) {
    Objects.requireNonNull(listener, "listener");
    lock.lock();
    try {
      listeners.add(listener);
      return state;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Unregisters a listener; events already queued for it may still arrive.
   *
   * @param listener the listener
   * @return true if it was registered
   */
  public boolean removeListener(QuorumListener listener) {
    return listeners.remove(listener);
  }

  /**
   * Stops the service: later updates fail, {@link #grantsAllowed()} turns false, the window timer
   * is cancelled, and the service's own notifier thread ends after delivering queued events.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (windowTimer != null) {
        windowTimer.cancel(false);
      }
    } finally {
      lock.unlock();
    }
    if (ownedNotifier != null) {
      ownedNotifier.shutdown();
    }
  }

  /** Options for a {@link QuorumService}. Not thread-safe. */
  public static final class Builder {
    private final QuorumPolicy policy;
    private final MemberId local;
    private MonotonicClock clock = MonotonicClock.system();
    private NoQuorumPolicy noQuorumPolicy = NoQuorumPolicy.STOP;
    private SelfFence selfFence;
    private Executor notifier;
    private ScheduledExecutorService scheduler;
    private int persistedExpectedVotes;

    private Builder(QuorumPolicy policy, MemberId local) {
      this.policy = Objects.requireNonNull(policy, "policy");
      this.local = Objects.requireNonNull(local, "localMember");
      if (!policy.topology().contains(local)) {
        throw new ConfigurationException(
            "quorum.local_member: "
                + local
                + " is not in the topology; accepted: "
                + policy.topology().ids());
      }
    }

    /**
     * Sets the monotonic clock (default {@link System#nanoTime()}); tests pass a fake one.
     *
     * @param nanoClock returns monotonic nanoseconds, never the wall clock
     * @return this builder
     */
    public Builder clock(MonotonicClock nanoClock) {
      this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Sets what happens to held leases without quorum (default {@link NoQuorumPolicy#STOP}).
     *
     * @param policy the no-quorum policy
     * @return this builder
     */
    public Builder noQuorumPolicy(NoQuorumPolicy policy) {
      this.noQuorumPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the callback that fences this member under {@link NoQuorumPolicy#SELF_FENCE}.
     *
     * @param selfFence the callback
     * @return this builder
     */
    public Builder selfFence(SelfFence selfFence) {
      this.selfFence = Objects.requireNonNull(selfFence, "selfFence");
      return this;
    }

    /**
     * Sets the executor that delivers events (default: one daemon thread owned by the service).
     * Events stay in order on any executor; tests pass {@code Runnable::run}.
     *
     * @param notifier runs deliveries
     * @return this builder
     */
    public Builder notifier(Executor notifier) {
      this.notifier = Objects.requireNonNull(notifier, "notifier");
      return this;
    }

    /**
     * Sets a scheduler so the service re-evaluates by itself when a last_man_standing window ends.
     * Without one, the caller calls {@link QuorumService#refresh()}.
     *
     * @param scheduler schedules the re-evaluation; not shut down by the service
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Resumes expected votes persisted by an earlier run (see {@link
     * QuorumPolicy#initialState(int)}).
     *
     * @param expectedVotes the saved {@link QuorumState#expectedVotes()}, not negative
     * @return this builder
     */
    public Builder persistedExpectedVotes(int expectedVotes) {
      if (expectedVotes < 0) {
        throw new ConfigurationException(
            "quorum.persisted_expected_votes: " + expectedVotes + " is invalid; accepted: >= 0");
      }
      this.persistedExpectedVotes = expectedVotes;
      return this;
    }

    /**
     * Builds the service.
     *
     * @return the service, with no membership seen yet (inquorate)
     * @throws ConfigurationException if {@link NoQuorumPolicy#SELF_FENCE} has no callback
     */
    public QuorumService build() {
      if (noQuorumPolicy == NoQuorumPolicy.SELF_FENCE && selfFence == null) {
        throw new ConfigurationException(
            "quorum.no_quorum_policy: SELF_FENCE needs a selfFence callback; set one, or use"
                + " STOP or FREEZE");
      }
      return new QuorumService(this);
    }
  }
}
