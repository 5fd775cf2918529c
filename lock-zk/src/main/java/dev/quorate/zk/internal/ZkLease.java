package dev.quorate.zk.internal;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.RecoveryGate;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.internal.LeaseEvents;
import dev.quorate.lock.internal.LosableLease;
import dev.quorate.lock.internal.Requests;
import dev.quorate.lock.internal.SerialExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and, once granted, its lease.
 *
 * <p>Protocol: the request is an ephemeral-sequential node under the resource's container node,
 * created with Curator's protection so that a create whose reply was lost finds its node instead of
 * leaving an orphan. The {@link QueueSnapshot} rules decide from one {@code getChildren} whether it
 * is granted; if not, it watches only the nearest node that blocks it. The token is the node's
 * {@code czxid}. A granted lease watches its own node: deletion by anyone else means LOST (a lease
 * granted by the listing pipelined with its create is covered by that listing's queue watch until
 * the queue first changes). The create, the listing and, where the resource has one, the value
 * block read go out together: one round trip decides an uncontended request.
 *
 * <p>Every step runs on {@link #steps}, one at a time, so the state below needs no lock; getters
 * read volatile fields. ZooKeeper calls happen in the steps, never on ZooKeeper's event thread.
 */
final class ZkLease implements LosableLease {
  private static final Logger log = LoggerFactory.getLogger(ZkLease.class);

  /** The life of a request; the holder sees it from GRANTED on. */
  enum Phase {
    CREATING,
    WAITING,
    GRANTED,
    SUSPECT,
    WITHDRAWN,
    RELEASED,
    LOST
  }

  final ZkLockService service;
  final ZkNodes nodes;
  final String resource;
  final String container;
  final SerialExecutor steps;
  private final LeaseEvents events;
  private final BlockingCallback blockingCallback;
  private final boolean tryOnce;
  private final boolean callerWaits;
  private final CompletableFuture<Lease> granted = new CompletableFuture<>();

  /**
   * Set by the holder's {@link #release()}: the lease is RELEASED for its holder from then on,
   * while the step that deletes its node may still wait behind others (or for the connection).
   */
  private final AtomicBoolean releaseAsked = new AtomicBoolean();

  final ZkConversion conversion;
  final LeaseWatch watch;

  /** Null unless the lock has a recovery gate. */
  private final RecoveryCheck recovery;

  private volatile Phase phase = Phase.CREATING;
  private volatile LockMode mode;
  private volatile FencingToken token;
  private volatile ValueBlock valueBlock = ValueBlock.empty();
  private volatile ValueBlock staged;
  int valueVersion = -1;

  /** The resource queue's child version read with the grant; see {@link Cohort}. */
  volatile int queueChangesAtGrant = -1;

  ZkNodes.Created node;
  long session;

  ZkLease(
      ZkLockService service,
      String resource,
      LockMode mode,
      LockOptions options,
      boolean tryOnce,
      boolean callerWaits) {
    this.service = service;
    this.nodes = service.nodes();
    this.resource = resource;
    this.container = service.container(resource);
    this.mode = mode;
    this.blockingCallback = options.blockingCallback().orElse(null);
    this.tryOnce = tryOnce;
    this.callerWaits = callerWaits;
    this.steps = new SerialExecutor(service.pool());
    this.events = new LeaseEvents(this, service.pool(), options.listeners());
    RecoveryGate recoveryGate = options.recoveryGate().orElse(null);
    this.conversion = new ZkConversion(this);
    this.watch = new LeaseWatch(this);
    this.recovery =
        recoveryGate == null ? null : new RecoveryCheck(this, recoveryGate, service.member());
  }

  CompletableFuture<Lease> granted() {
    return granted;
  }

  /** The recovery check of a gated lock; null if ungated. */
  RecoveryCheck recovery() {
    return recovery;
  }

  /**
   * Starts the request. A caller that waits for the answer anyway runs the first step itself: the
   * create's reply then wakes the caller directly instead of a thread that wakes the caller.
   */
  void start() {
    if (callerWaits) {
      steps.executeHere(this::create);
    } else {
      steps.execute(this::create);
    }
  }

  /** Starts a request whose node a {@link MultiRequest} created together with others. */
  void startCreated(ZkNodes.Queued queued) {
    steps.execute(
        () -> {
          if (phase != Phase.CREATING) {
            nodes.delete(queued.created().path()); // withdrawn (manager closed) before it came
            return;
          }
          node = queued.created();
          session = node.session();
          phase = Phase.WAITING;
          if (granted.isDone()) {
            withdrawNow();
            return;
          }
          evaluate(queued.read());
        });
  }

  // ---- requesting ----

  void create() {
    if (phase != Phase.CREATING) {
      return;
    }
    if (granted.isDone()) {
      phase = Phase.WITHDRAWN;
      service.forget(this);
      return;
    }
    try {
      ZkNodes.Queued queued =
          nodes.createQueued(container, LockNode.requestPrefix(mode), watch.queueSinceCreate());
      node = queued.created();
      session = node.session();
      phase = Phase.WAITING;
      evaluate(queued.read());
    } catch (QuorateException e) {
      phase = Phase.WITHDRAWN;
      service.forget(this);
      granted.completeExceptionally(e);
    }
  }

  void evaluate() {
    evaluate(null);
  }

  /**
   * Queues the request again after its node went (its session ended, or someone deleted it). A
   * record at its old position (written by a grant whose reply was lost) goes first: the lease
   * never reached the caller, and left behind it would gate this very request as a lost holder.
   */
  void requeue() {
    if (recovery != null && node != null) {
      new RecordedEnd(service, nodes).withdraw(node.path(), recordPath());
    }
    phase = Phase.CREATING;
    create();
  }

  /** Decides the request from {@code pipelined} (read right after our create), or reads again. */
  private void evaluate(ZkNodes.Pipelined pipelined) {
    if (phase != Phase.WAITING) {
      return;
    }
    if (service.isClosed()) {
      granted.completeExceptionally(
          new QuorateException(
              ErrorCode.CLOSED, "lock manager closed; request on '" + resource + "' failed"));
      withdrawNow();
      return;
    }
    if (granted.isDone()) {
      withdrawNow();
      return;
    }
    try {
      if (pipelined == null) {
        // Decided when the answers are in, on no thread meanwhile: a thousand leases woken at once
        // (a failed host's locks) must not hold a thousand pool threads for a round trip each.
        // The answer counts only for the node it was sent for: after a requeue meanwhile, a
        // listing without the new node would queue it yet again and leave the new node behind.
        ZkNodes.Created sentFor = node;
        ZkNodes.Pipelined sent = nodes.queueAndValue(container);
        CompletableFuture.allOf(sent.children(), sent.value())
            .whenComplete(
                (answered, failed) ->
                    steps.execute(
                        () -> {
                          if (node == sentFor) {
                            evaluate(sent);
                          }
                        }));
        return;
      }
      ZkNodes.Pipelined read = pipelined;
      QueueSnapshot queue = read.queue();
      LockNode me = queue.find(node.name()).orElse(null);
      if (me == null) {
        // Our node vanished while waiting (session expired, or someone deleted it): queue again.
        requeue();
        return;
      }
      List<LockNode> blockers = queue.blockers(me);
      if (blockers.isEmpty()) {
        if (recovery != null
            && !recovery.proceed(
                recovery.admit(queue, me),
                tryOnce,
                () -> {
                  granted.completeExceptionally(
                      new LockTimeoutException(resource, mode, Duration.ZERO));
                  withdrawNow();
                },
                this::evaluate)) {
          return;
        }
        grant(read.valueBlock(), read.watchesQueue());
      } else if (tryOnce) {
        granted.completeExceptionally(new LockTimeoutException(resource, mode, Duration.ZERO));
        withdrawNow();
      } else {
        watch.waitFor(blockers.get(blockers.size() - 1));
      }
    } catch (QuorateException e) {
      if (tryOnce || e.code() != ErrorCode.CONNECTION_LOSS) {
        granted.completeExceptionally(e);
        withdrawNow();
      } else {
        // The connection listener re-evaluates once the client is back.
        log.debug("evaluating {} failed, waiting for the connection", node.path(), e);
      }
    }
  }

  /** The holder record to delete with the node on a clean release, or null if ungated. */
  private String recordPath() {
    return recovery == null ? null : recovery.recordPath(node.name());
  }

  /**
   * @param queueWatched the listing that granted us left a watch on the queue, which also fires
   *     when our node is deleted: no watch of its own is needed until the queue changes
   */
  private void grant(ZkNodes.Value value, boolean queueWatched) {
    valueBlock = value.block();
    valueVersion = value.version();
    queueChangesAtGrant = value.childChanges();
    token = FencingToken.of(node.czxid());
    phase = Phase.GRANTED;
    if (!queueWatched) {
      watch.ownNodeInBackground();
    }
    if (callerWaits) {
      // The only continuations are a blocked caller and our own bookkeeping: nothing that blocks.
      if (!granted.complete(this)) {
        steps.execute(this::releaseNow); // the requester gave up at this very moment
      }
    } else {
      // Completed off the steps: a caller's continuation may call release(), which waits for them.
      service
          .pool()
          .execute(
              () -> {
                if (!granted.complete(this)) {
                  // The requester gave up at this very moment; nobody will hold the grant.
                  steps.execute(this::releaseNow);
                }
              });
    }
    if (blockingCallback != null) {
      // A step of its own, after the completion: the holder need not wait for this read.
      steps.execute(watch::waiters);
    }
  }

  /** Completes a conversion's future off the steps, for the reason given in {@link #grant}. */
  void completeLater(CompletableFuture<Lease> future) {
    service.pool().execute(() -> future.complete(this));
  }

  /** Withdraws a request that was not granted; releases one that was. */
  void withdraw() {
    steps.execute(this::withdrawNow);
  }

  private void withdrawNow() {
    switch (phase) {
      case CREATING, WAITING -> {
        phase = Phase.WITHDRAWN;
        if (node != null && recovery != null) {
          // A grant whose reply was lost may have written our record: it goes with the node.
          new RecordedEnd(service, nodes).withdraw(node.path(), recordPath());
        } else if (node != null) {
          nodes.delete(node.path());
        }
        service.forget(this);
      }
      case GRANTED, SUSPECT -> releaseNow();
      default -> {}
    }
  }

  // ---- transitions applied for the watch and the conversion, on the steps ----

  /** The connection was suspended: a GRANTED lease turns SUSPECT. */
  void suspect() {
    if (phase == Phase.GRANTED) {
      phase = Phase.SUSPECT;
      emit(LeaseState.GRANTED, LeaseState.SUSPECT, "connection to ZooKeeper suspended");
    }
  }

  /** Back within the session, the node still there: a SUSPECT lease is GRANTED again. */
  void grantedAgain() {
    if (phase == Phase.SUSPECT) {
      phase = Phase.GRANTED;
      emit(LeaseState.SUSPECT, LeaseState.GRANTED, "reconnected within the session");
    }
  }

  boolean isWaiting() {
    return phase == Phase.WAITING;
  }

  /**
   * A down-conversion: the lease holds {@code mode} on {@code node} now, with the same token.
   *
   * @return the staged value block to write as the old node goes, or null
   */
  ValueBlock convertedDown(ZkNodes.Created node, LockMode mode) {
    this.node = node;
    this.mode = mode;
    ValueBlock write = staged;
    staged = null;
    return write;
  }

  /** An up-conversion granted: a new grant on {@code node}, its czxid the new token. */
  void convertedUp(ZkNodes.Created node, LockMode mode, ZkNodes.Value value) {
    this.node = node;
    this.mode = mode;
    this.token = FencingToken.of(node.czxid());
    this.valueVersion = value.version();
    this.valueBlock = staged != null ? staged : value.block();
  }

  void valueVersion(int version) {
    this.valueVersion = version;
  }

  /** Tells this holder, on the event thread, that a request for {@code wanted} waits on it. */
  void notifyBlocking(LockMode wanted) {
    if (blockingCallback != null) {
      events.blocking(blockingCallback, wanted);
    }
  }

  boolean hasBlockingCallback() {
    return blockingCallback != null;
  }

  /** Released, lost or withdrawn: nothing that happens to the node matters any more. */
  boolean isOver() {
    Phase now = phase;
    return now == Phase.RELEASED || now == Phase.LOST || now == Phase.WITHDRAWN;
  }

  boolean isHeld() {
    return phase == Phase.GRANTED || phase == Phase.SUSPECT;
  }

  void emit(LeaseState from, LeaseState to, String cause) {
    events.emit(from, to, cause);
  }

  void lose(String cause) {
    if (releaseAsked.get()) {
      releaseNow(); // the holder let go first: it hears RELEASED, as state() told it
      return;
    }
    LeaseState from = state();
    phase = Phase.LOST;
    emit(from, LeaseState.LOST, cause);
    conversion.fail(notGranted());
    // Best effort: the node is gone already unless only our view of the session was lost.
    nodes.deleteInBackground(node.path());
    service.forget(this);
  }

  /**
   * Ends a held lease as released; sends the deletes in the background.
   *
   * @return completed when ZooKeeper answered the delete (or will only later)
   */
  private CompletableFuture<Void> releaseNow() {
    if (!isHeld()) {
      return CompletableFuture.completedFuture(null);
    }
    LeaseState from = phase == Phase.SUSPECT ? LeaseState.SUSPECT : LeaseState.GRANTED;
    if (conversion.inProgress()) {
      conversion.fail(
          new LeaseLostException(
              ErrorCode.LEASE_RELEASED, "lease " + this + " was released while converting"));
    }
    phase = Phase.RELEASED;
    emit(from, LeaseState.RELEASED, "released by holder");
    ValueBlock write = mode.writesValueBlock() ? staged : null;
    staged = null;
    String record = recordPath();
    service.forget(this);
    if (record != null) {
      new RecordedEnd(service, nodes).release(container, node.path(), write, valueVersion, record);
      return CompletableFuture.completedFuture(null);
    }
    return nodes.release(container, node.path(), write, valueVersion);
  }

  CompletableFuture<Void> closeByManager() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    steps.execute(
        () -> {
          QuorateException closed =
              new QuorateException(
                  ErrorCode.CLOSED, "lock manager closed; request on '" + resource + "' failed");
          if (phase == Phase.CREATING || phase == Phase.WAITING) {
            granted.completeExceptionally(closed);
            withdrawNow();
          } else if (isHeld()) {
            LeaseState from = state();
            conversion.fail(closed); // while held: its node goes now, not in the background
            phase = Phase.LOST;
            emit(from, LeaseState.LOST, "lock manager closed");
            // The lease turns LOST, not RELEASED, under threads that may still use the resource:
            // a gated lease keeps its record (and its session child, which ends with the session),
            // so the next holder waits for the gate as for any lost holder.
            nodes.delete(node.path());
            service.forget(this);
          }
          done.complete(null);
        });
    return done;
  }

  /**
   * Gives the lease up as lost (the quorum gate's revocation): the lock node and the record's
   * session child go, the record stays, so the next holder asks the recovery gate and may count a
   * self-fence deadline from now (this member lost its quorum: its watchdog stops it).
   */
  @Override
  public void abandon(String cause) {
    awaitStep(
        () -> {
          if (!isHeld()) {
            return;
          }
          LeaseState from = state();
          conversion.fail(
              new LeaseLostException(ErrorCode.LEASE_LOST, "lease " + this + " lost: " + cause));
          phase = Phase.LOST;
          emit(from, LeaseState.LOST, cause);
          String record = recordPath();
          if (record != null) {
            new RecordedEnd(service, nodes).abandon(node.path(), record);
          } else {
            nodes.delete(node.path());
          }
          service.forget(this);
        },
        "abandonment");
  }

  // ---- the Lease API ----

  @Override
  public String resource() {
    return resource;
  }

  @Override
  public LockMode mode() {
    return mode;
  }

  @Override
  public FencingToken token() {
    return token;
  }

  @Override
  public LeaseState state() {
    Phase now = phase;
    if (releaseAsked.get() && now != Phase.LOST) {
      return LeaseState.RELEASED;
    }
    return switch (now) {
      case CREATING, WAITING, GRANTED -> LeaseState.GRANTED;
      case SUSPECT -> LeaseState.SUSPECT;
      case WITHDRAWN, RELEASED -> LeaseState.RELEASED;
      case LOST -> LeaseState.LOST;
    };
  }

  @Override
  public void checkValid() {
    if (phase != Phase.GRANTED || releaseAsked.get()) {
      throw notGranted();
    }
  }

  LeaseLostException notGranted() {
    String what = "lease on '" + resource + "' (token " + token + ")";
    return switch (state()) {
      case SUSPECT ->
          new LeaseLostException(
              ErrorCode.LEASE_SUSPECT,
              what + " is SUSPECT: connection to ZooKeeper suspended; stop using the resource");
      case LOST -> new LeaseLostException(ErrorCode.LEASE_LOST, what + " is lost");
      default -> new LeaseLostException(ErrorCode.LEASE_RELEASED, what + " was released");
    };
  }

  @Override
  public ValueBlock valueBlock() {
    return valueBlock;
  }

  @Override
  public void setValueBlock(ValueBlock value) {
    Objects.requireNonNull(value, "value");
    checkValid();
    if (!mode.writesValueBlock()) {
      throw new IllegalStateException(
          "only a PW or EX holder may set the value block of '" + resource + "', held: " + mode);
    }
    staged = value;
    valueBlock = value;
  }

  @Override
  public void convert(LockMode target) throws InterruptedException {
    Requests.awaitConversion(convertAsync(target));
  }

  @Override
  public boolean tryConvert(LockMode target, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(target, "mode");
    Requests.checkTimeout(timeout);
    return Requests.awaitConversionWithin(conversion.start(target, timeout), timeout);
  }

  @Override
  public CompletableFuture<Lease> convertAsync(LockMode target) {
    Objects.requireNonNull(target, "mode");
    return conversion.start(target, null);
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
   * Releases the lease: RELEASED for its holder at once. While connected, waits for ZooKeeper's
   * answer to the delete (one round trip), so that whoever asks next finds the lock free; while the
   * connection is suspended or lost, returns at once and leaves the delete to Curator, which
   * retries it until it succeeds or the session ends (taking the node with it).
   */
  @Override
  public void release() {
    if (!releaseAsked.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Void> answered = new CompletableFuture<>();
    Runnable step = () -> releaseNow().whenComplete((done, failure) -> answered.complete(null));
    if (recovery == null) {
      // On this thread when no step runs: the delete goes out before the holder's next request.
      steps.executeHere(step);
    } else {
      steps.execute(step); // the holder record's transaction waits for its connection
    }
    service.awaitWhileConnected(answered, this);
  }

  /** Runs {@code step} and waits for it at most the operation timeout. */
  private void awaitStep(Runnable step, String what) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    // On this thread when no step runs: the delete's reply then wakes the holder directly.
    steps.executeHere(
        () -> {
          try {
            step.run();
          } finally {
            done.complete(null);
          }
        });
    try {
      done.get(service.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // It goes on in the background; the lease is over for the holder already.
      log.warn("{} of {} still in progress", what, this, e);
    }
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "Lease[" + resource + ", " + mode + ", token " + token + ", " + state() + "]";
  }
}
