package dev.quorate.zk.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.spi.LeaseEvents;
import dev.quorate.lock.spi.LosableLease;
import dev.quorate.lock.spi.Requests;
import dev.quorate.lock.spi.SerialExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.state.ConnectionState;

/**
 * One request and, once granted, its lease.
 *
 * <p>Protocol: the request is an ephemeral-sequential node under the resource's container node,
 * created with Curator's protection so that a create whose reply was lost finds its node instead of
 * leaving an orphan. The {@link QueueSnapshot} rules decide from one {@code getChildren} whether it
 * is granted; if not, it watches the nearest node that blocks it (or every older node, when their
 * deletions alone can grant it: {@link LeaseMachine#deletionGrants}). The token is the node's
 * {@code czxid}. A granted lease watches its own node: deletion by anyone else means LOST. The
 * create, the listing and the value block read go out together: one round trip decides an
 * uncontended request.
 *
 * <p>The lease owns its state: one {@link LeaseStatus}, changed only by {@link LeaseMachine#next}
 * in {@link #apply}, on {@link #steps}, one event at a time. Its watches ({@link LeaseWatch}) post
 * events, its conversion ({@link ZkConversion}) returns what it decided, and {@link LeaseSteps}
 * carries out the effects and returns what they read. Calls run one way: the manager calls the
 * lease, the lease its steps, they the watch, conversion and nodes. Getters read the volatile
 * state.
 */
final class ZkLease implements LosableLease, CohortGrant {
  private final ZkLockService service;
  private final String resource;
  private final SerialExecutor steps;
  private final LeaseEvents events;
  private final LeaseMachine.Rules rules;
  private final LeaseSteps effects;

  /**
   * Set by the holder's {@link #release()}: the lease is RELEASED for its holder from then on,
   * while the step that deletes its node may still wait behind others (or for the connection).
   */
  private volatile boolean releaseAsked;

  /** Sets {@link #releaseAsked} once: a field, not an AtomicBoolean of its own per lease. */
  private static final VarHandle RELEASE_ASKED;

  static {
    try {
      RELEASE_ASKED =
          MethodHandles.lookup().findVarHandle(ZkLease.class, "releaseAsked", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Written only by {@link #apply}, on the steps. */
  private volatile LeaseStatus state;

  ZkLease(
      ZkLockService service,
      String resource,
      LockMode mode,
      LockOptions options,
      boolean tryOnce,
      boolean callerWaits) {
    this(service, resource, mode, options, tryOnce, callerWaits, false);
  }

  /**
   * @param cohortGrant the grant of a {@link Cohort}: its blocking callback hears of waiters only
   *     once the cohort asks ({@link #hearOtherMembers})
   */
  ZkLease(
      ZkLockService service,
      String resource,
      LockMode mode,
      LockOptions options,
      boolean tryOnce,
      boolean callerWaits,
      boolean cohortGrant) {
    this.service = service;
    this.resource = resource;
    this.steps = new SerialExecutor(service.pool());
    this.events = new LeaseEvents(this, service.pool(), options.listeners());
    this.rules = new LeaseMachine.Rules(resource, tryOnce, options.recoveryGate().isPresent());
    this.state = LeaseStatus.requesting(mode);
    this.effects =
        new LeaseSteps(
            service,
            rules,
            this,
            events,
            options,
            callerWaits,
            cohortGrant,
            steps,
            this::post,
            this::postHere);
  }

  // ---- the state and its one transition function ----

  /** Posts {@code event} to the lease's steps. */
  private void post(LeaseInput event) {
    steps.execute(() -> apply(event));
  }

  /**
   * Applies {@code event} on this thread if no step runs or waits, else posts it: for a wake-up
   * heard on ZooKeeper's event thread, whose steps never wait, and which a waiting caller would
   * otherwise pay with a hand-off to a pool thread before its own wake-up.
   */
  private void postHere(LeaseInput event) {
    steps.executeHere(() -> apply(event));
  }

  /**
   * Applies {@code event}, on the steps: the one place the lease's state changes. What an effect
   * reads is applied at once, before the next effect, so effects always see the state they follow.
   */
  private void apply(LeaseInput event) {
    LeaseStatus now = state;
    if (releaseAsked && !now.releaseAsked()) {
      now = now.withReleaseAsked(); // the holder let go: a loss found now is its release
    }
    LeaseMachine.Step step = LeaseMachine.next(rules, now, event);
    state = step.state();
    for (LeaseEffect effect : step.effects()) {
      effects.run(effect, state).ifPresent(this::apply);
    }
  }

  CompletableFuture<Lease> granted() {
    return effects.granted();
  }

  /** Completed once the lease is over (withdrawn, released, lost): the manager forgets it. */
  CompletableFuture<Void> ended() {
    return effects.ended();
  }

  /**
   * Starts the request. A caller that waits for the answer anyway runs the first step itself: the
   * create goes out from its thread, without a hand-off. No thread waits for the create's answer,
   * which is posted to the steps.
   */
  void start(boolean here) {
    Runnable create = () -> effects.run(new LeaseEffect.Create(null), state).ifPresent(this::apply);
    if (here) {
      steps.executeHere(create);
    } else {
      steps.execute(create);
    }
  }

  /** Starts a request whose node a {@link MultiRequest} created together with others. */
  void startCreated(ZkNodes.Queued queued) {
    post(new LeaseInput.Created(queued.created(), queued.read()));
  }

  /** Withdraws a request that was not granted; releases one that was. */
  void withdraw() {
    post(new LeaseInput.Withdraw(null));
  }

  /** Tells the lease what the manager's connection listener heard, in the order it heard it. */
  void connection(ConnectionState change) {
    switch (change) {
      case SUSPENDED -> post(new LeaseInput.Suspended());
      case RECONNECTED, CONNECTED ->
          // The session is read in the step: the one current when the lease looks.
          steps.execute(() -> apply(new LeaseInput.Reconnected(service.currentSession())));
      case LOST -> post(new LeaseInput.SessionLost());
      default -> {}
    }
  }

  /** Closes the lease with the manager: a waiting request fails, a held lease is LOST. */
  CompletableFuture<Void> closeByManager() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    steps.execute(
        () -> {
          apply(new LeaseInput.Close());
          done.complete(null);
        });
    return done;
  }

  /**
   * Gives the lease up as lost (the quorum gate's revocation): the lock node and the record's
   * session child go, the record stays, so the next holder asks the recovery gate and may count a
   * self-fence deadline from now. Returns at once: the caller (often interrupted, its quorum gone)
   * never waits for ZooKeeper; the lease's steps end it.
   */
  @Override
  public void abandon(String cause) {
    post(new LeaseInput.Abandon(cause));
  }

  // ---- the grant, as its cohort sees it ----

  @Override
  public boolean usable() {
    return state() == LeaseState.GRANTED;
  }

  @Override
  public boolean held() {
    return state.phase().held();
  }

  @Override
  public int queueChangesAtGrant() {
    ZkReads.Value value = state.value();
    return value == null ? -1 : value.childChanges();
  }

  @Override
  public Lease lease() {
    return this;
  }

  @Override
  public void hearOtherMembers() {
    if (effects.hearWaiters()) {
      post(new LeaseInput.WaitersChanged());
    }
  }

  @Override
  public void onChange(LeaseListener listener) {
    addListener(listener);
  }

  @Override
  public void giveUp() {
    release();
  }

  // ---- the Lease API ----

  @Override
  public String resource() {
    return resource;
  }

  @Override
  public LockMode mode() {
    return state.mode();
  }

  @Override
  public FencingToken token() {
    long token = state.token();
    return token == 0 ? null : FencingToken.of(token);
  }

  @Override
  public LeaseState state() {
    LeaseStatus now = state;
    return (releaseAsked ? now.withReleaseAsked() : now).holderView();
  }

  @Override
  public void checkValid() {
    if (state.phase() != LeaseStatus.Phase.GRANTED || releaseAsked) {
      throw (releaseAsked ? state.withReleaseAsked() : state).notGranted(resource);
    }
  }

  @Override
  public ValueBlock valueBlock() {
    ValueBlock mine = effects.value().staged();
    if (mine != null) {
      return mine;
    }
    ZkReads.Value read = state.value();
    return read == null ? ValueBlock.empty() : read.block();
  }

  @Override
  public void setValueBlock(ValueBlock value) {
    Objects.requireNonNull(value, "value");
    checkValid();
    if (!mode().writesValueBlock()) {
      throw new IllegalStateException(
          "only a PW or EX holder may set the value block of '" + resource + "', held: " + mode());
    }
    effects.value().stage(value);
  }

  @Override
  public void convert(LockMode target) throws InterruptedException {
    Requests.awaitConversion(convertAsync(target));
  }

  @Override
  public boolean tryConvert(LockMode target, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(target, "mode");
    Requests.checkTimeout(timeout);
    return Requests.awaitConversionWithin(effects.convert(target, timeout), timeout);
  }

  @Override
  public CompletableFuture<Lease> convertAsync(LockMode target) {
    Objects.requireNonNull(target, "mode");
    return effects.convert(target, null);
  }

  @Override
  public void addListener(LeaseListener listener) {
    events.add(listener);
  }

  @Override
  public void removeListener(LeaseListener listener) {
    events.remove(listener);
  }

  /**
   * Releases the lease: RELEASED for its holder at once. Returns once the delete of its node is
   * sent, without waiting for ZooKeeper's answer: the node stays until the delete commits, which
   * only keeps others waiting a little longer, and this session's next request (the holder's next
   * acquire) is answered after it, so the next holder's create can share the servers' group commit
   * with it. Waits, while connected, for what must be done before the holder goes on: the
   * transaction that writes a staged value block (its answer says whether the value was written),
   * and on a gated lock the transaction that deletes the holder record with the node. While the
   * connection is suspended or lost it returns at once and leaves the delete to Curator, which
   * retries it until it succeeds or the session ends (taking the node with it).
   */
  @Override
  public void release() {
    if (!RELEASE_ASKED.compareAndSet(this, false, true)) {
      return;
    }
    CompletableFuture<Void> answered = new CompletableFuture<>();
    Runnable step =
        () -> {
          apply(new LeaseInput.Release());
          effects.value().released().whenComplete((done, failure) -> answered.complete(null));
        };
    if (rules.gated()) {
      steps.execute(step); // the holder record's transaction waits for its connection
    } else {
      // On this thread when no step runs: the delete goes out before the holder's next request.
      steps.executeHere(step);
    }
    // Until the step ran (a step under way may hold it back): the delete is sent when this returns.
    service.awaitWhileConnected(answered, this);
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "Lease[" + resource + ", " + mode() + ", token " + token() + ", " + state() + "]";
  }
}
