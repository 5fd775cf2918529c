package dev.quorate.zk.internal;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.LeaseEvents;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the {@link LeaseEffect}s of one {@link ZkLease}, on its steps: the ZooKeeper calls
 * (through {@link ZkNodes}, {@link LeaseWatch}, {@link ZkConversion}, {@link LeaseEnds}) and the
 * futures and listeners of its holder. What an effect reads comes back as the {@link LeaseInput} it
 * returns, which the lease applies next; what arrives later (a watch, a poll) is posted. It never
 * calls the lease. The holder's staged value block is kept by its {@link StagedValue}.
 */
final class LeaseSteps {
  private static final Logger log = LoggerFactory.getLogger(LeaseSteps.class);

  private final ZkLockService service;
  private final ZkNodes nodes;
  private final String container;
  private final LeaseMachine.Rules rules;
  private final Lease lease;
  private final CompletableFuture<Lease> granted = new CompletableFuture<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final LeaseEvents events;
  private final BlockingCallback blockingCallback;

  /**
   * Whether the blocking callback hears of waiters: from the grant on, or for a cohort's grant once
   * the cohort asks ({@link #hearWaiters}). Set once, never cleared.
   */
  private final AtomicBoolean hearingWaiters;

  private final boolean callerWaits;
  private final Executor steps;
  private final Consumer<LeaseInput> post;
  private final Consumer<LeaseInput> postHere;
  private final RecoveryCheck recovery;
  private final LeaseWatch watch;

  /** Made when the holder first asks for a conversion: most leases never convert. */
  private ZkConversion conversion;

  private final LeaseEnds ends;
  private final StagedValue value;

  /**
   * @param lease the lease handed to its requester and to its conversions' callers
   * @param steps the lease's serial steps, where every effect runs
   * @param post posts an event to the lease's steps
   * @param postHere applies an event on the calling thread if no step runs, else posts it
   * @param options the lock's options: blocking callback, recovery gate
   * @param cohortGrant the grant of a {@link Cohort}: its callback hears of waiters only once the
   *     cohort asks
   */
  LeaseSteps(
      ZkLockService service,
      LeaseMachine.Rules rules,
      Lease lease,
      LeaseEvents events,
      LockOptions options,
      boolean callerWaits,
      boolean cohortGrant,
      Executor steps,
      Consumer<LeaseInput> post,
      Consumer<LeaseInput> postHere) {
    this.service = service;
    this.nodes = service.nodes();
    this.container = service.container(rules.resource());
    this.rules = rules;
    this.lease = lease;
    this.events = events;
    this.blockingCallback = options.blockingCallback().orElse(null);
    this.hearingWaiters = new AtomicBoolean(!cohortGrant);
    this.callerWaits = callerWaits;
    this.steps = steps;
    this.post = post;
    this.postHere = postHere;
    this.recovery =
        options
            .recoveryGate()
            .map(
                gate ->
                    new RecoveryCheck(service, container, rules.resource(), gate, service.member()))
            .orElse(null);
    this.watch = new LeaseWatch(nodes.reads(), container, post, postHere);
    this.ends = new LeaseEnds(service, nodes, container, recovery);
    this.value = new StagedValue(nodes, container, ends);
  }

  /**
   * Carries out {@code effect} in state {@code s}; returns what it read, for the lease to apply.
   */
  Optional<LeaseInput> run(LeaseEffect effect, LeaseStatus s) {
    if (effect instanceof LeaseEffect.Create c) {
      ends.requeue(c.old());
      return create(s);
    } else if (effect instanceof LeaseEffect.ReadQueue r) {
      return readQueue(r.read(), s);
    } else if (effect instanceof LeaseEffect.Admit a) {
      return admit(a);
    } else if (effect instanceof LeaseEffect.WatchBlocker w) {
      return watchBlocker(w, s);
    } else if (effect instanceof LeaseEffect.Wake w) {
      return Optional.of(wake(w.value()));
    } else if (effect instanceof LeaseEffect.Grant) {
      grant();
    } else if (effect instanceof LeaseEffect.FailRequest f) {
      granted.completeExceptionally(f.failure());
    } else if (effect instanceof LeaseEffect.DeleteRequest d) {
      ends.withdraw(d.node());
    } else if (effect instanceof LeaseEffect.Forget) {
      ended.complete(null);
    } else if (effect instanceof LeaseEffect.Emit e) {
      events.emit(e.from(), e.to(), e.cause());
    } else if (effect instanceof LeaseEffect.WatchOwnNode w) {
      if (w.background()) {
        watch.ownNodeInBackground(s.node().path());
      } else {
        watch.ownNode(s.node().path());
      }
    } else if (effect instanceof LeaseEffect.NotifyWaiters n) {
      notifyWaiters(n.later(), s);
    } else if (effect instanceof LeaseEffect.CheckOwnNode) {
      return checkOwnNode(s);
    } else if (effect instanceof LeaseEffect.EvaluateConversion) {
      ZkConversion asked = conversion(false);
      return asked == null
          ? Optional.empty()
          : asked.evaluate(s, service::isClosed).map(LeaseInput.class::cast);
    } else if (effect instanceof LeaseEffect.BeginConversion b) {
      return conversion(true)
          .begin(s, b.to(), b.tryOnce(), b.outcome(), service::isClosed)
          .map(LeaseInput.class::cast);
    } else if (effect instanceof LeaseEffect.RefuseConversion r) {
      r.outcome().completeExceptionally(s.notGranted(rules.resource()));
    } else if (effect instanceof LeaseEffect.FailConversion f) {
      ZkConversion asked = conversion(false);
      if (asked != null && asked.inProgress()) {
        asked.fail(conversionFailure(f.code(), f.why()), s.phase().held());
      }
    } else if (effect instanceof LeaseEffect.CompleteConversion c) {
      // Off the steps: a caller's continuation may call release(), which waits for them.
      service.pool().execute(() -> c.outcome().complete(lease));
    } else if (effect instanceof LeaseEffect.RetireNode r) {
      return value.retire(r, s);
    } else if (effect instanceof LeaseEffect.EndHeld e) {
      value.end(e, s);
    } else {
      throw new IllegalArgumentException("unknown lease effect " + effect);
    }
    return Optional.empty();
  }

  /**
   * Sends the create (with the listing pipelined behind it) and posts its answer when it is in, as
   * {@link #readQueue} does: a thousand requests at once must not hold a thousand pool threads for
   * a round trip each. A request withdrawn meanwhile hears {@code Created} after its withdrawal,
   * and {@link LeaseMachine} has the node deleted.
   */
  private Optional<LeaseInput> create(LeaseStatus s) {
    if (granted.isDone()) {
      return Optional.of(new LeaseInput.Withdraw(null)); // timed out or interrupted before queued
    }
    nodes
        .createQueued(container, LockNode.requestPrefix(s.mode()), watch.queueSinceCreate(), steps)
        .whenComplete(
            (queued, failed) -> {
              if (failed != null) {
                post.accept(new LeaseInput.CreateFailed(ZkNodes.quorate(failed)));
              } else if (createdStepsNeverWait()) {
                // Heard on ZooKeeper's event thread: the grant wakes the caller from there.
                postHere.accept(new LeaseInput.Created(queued.created(), queued.read()));
              } else {
                post.accept(new LeaseInput.Created(queued.created(), queued.read()));
              }
            });
    return Optional.empty();
  }

  /**
   * Whether the steps that follow a created node never wait, so that they may run on the thread
   * that heard the answer (ZooKeeper's event thread) instead of a pool thread: a listing that
   * grants ends in a grant that only wakes a blocked caller, one that does not in a background
   * watch. Not so on a gated lock (the recovery gate reads), with a blocking callback (it reads the
   * waiters), for a try-once request (a withdrawal deletes its node and waits), nor once the
   * requester gave up (the node is deleted).
   */
  private boolean createdStepsNeverWait() {
    return recovery == null && blockingCallback == null && !rules.tryOnce() && !granted.isDone();
  }

  /**
   * Takes {@code pipelined} (read right after our create), or sends the listing and posts its
   * answer when it is in: a thousand leases woken at once (a failed host's locks) must not hold a
   * thousand pool threads for a round trip each. The answer names the node it was read for, so that
   * a listing which crossed a requeue does not count ({@link LeaseMachine}).
   */
  private Optional<LeaseInput> readQueue(ZkReads.Pipelined pipelined, LeaseStatus s) {
    if (service.isClosed()) {
      return Optional.of(new LeaseInput.Close());
    }
    if (granted.isDone()) {
      return Optional.of(new LeaseInput.Withdraw(null)); // its requester gave up
    }
    if (pipelined != null) {
      return Optional.of(queueRead(pipelined, s.node()));
    }
    try {
      ZkReads.Pipelined sent = nodes.reads().queueAndValue(container);
      CompletableFuture.allOf(sent.children(), sent.value())
          .whenCompleteAsync((answered, failed) -> post.accept(answer(sent, s.node())), steps);
      return Optional.empty();
    } catch (QuorateException e) {
      return Optional.of(failedRead(e));
    }
  }

  /**
   * The answer of a queue read sent earlier, looked at on the steps. A suspension heard between the
   * answer and now found the lease still waiting and changed nothing, so a grant from this answer
   * would say GRANTED on a suspended connection: while it is down, the answer counts as a failed
   * read, and the reconnection reads the queue again.
   */
  private LeaseInput answer(ZkReads.Pipelined read, ZkNodes.Created node) {
    if (!service.isConnected()) {
      return failedRead(
          new QuorateException(
              ErrorCode.CONNECTION_LOSS,
              "connection to ZooKeeper suspended before the queue of " + container + " was read"));
    }
    return queueRead(read, node);
  }

  private LeaseInput queueRead(ZkReads.Pipelined read, ZkNodes.Created node) {
    try {
      return new LeaseInput.QueueRead(read.queue(), read, node);
    } catch (QuorateException e) {
      return failedRead(e);
    }
  }

  private Optional<LeaseInput> watchBlocker(LeaseEffect.WatchBlocker w, LeaseStatus s) {
    ZkReads.Value value = null;
    if (w.deletionGrants() && w.read() != null) {
      try {
        // The value block as the listing read it. The queue will have changed once more at least
        // (the last blocker's deletion); a cohort that sees no other change between two of its
        // grants caches again, and an undercount only delays that (GrantCaching).
        ZkReads.Value read = w.read().valueBlock();
        value = new ZkReads.Value(read.block(), read.version(), read.childChanges() + 1);
      } catch (QuorateException e) {
        log.debug("value block of {} not read with the queue; waking up by a listing", container);
      }
    }
    // Either answer is posted (a failed watch as ReadFailed): no thread waits for it.
    if (value != null) {
      watch.waitToBeWoken(w.older(), w.blockers(), s.node(), value);
    } else {
      watch.waitFor(w.nearest());
    }
    return Optional.empty();
  }

  /**
   * The grant of a request woken by its blocker's deletion alone. As for a listing's answer ({@link
   * #answer}), a suspension heard meanwhile found the lease waiting and changed nothing: while the
   * connection is down it counts as a failed read, and the reconnection lists the queue again.
   */
  private LeaseInput wake(ZkReads.Value value) {
    if (!service.isConnected()) {
      return failedRead(
          new QuorateException(
              ErrorCode.CONNECTION_LOSS,
              "connection to ZooKeeper suspended before the wake-up on " + container));
    }
    return new LeaseInput.Admitted(value, true);
  }

  private LeaseInput failedRead(QuorateException e) {
    // On CONNECTION_LOSS the connection listener makes the lease look again once it is back.
    log.debug("reading the queue of {} failed", container, e);
    return new LeaseInput.ReadFailed(e);
  }

  private Optional<LeaseInput> admit(LeaseEffect.Admit a) {
    try {
      if (recovery != null
          && !recovery.proceed(
              recovery.admit(a.queue(), a.me()),
              rules.tryOnce(),
              () -> post.accept(new LeaseInput.Refused()),
              () -> post.accept(new LeaseInput.BlockerGone()))) {
        return Optional.empty();
      }
      ZkReads.Pipelined read = a.read();
      return Optional.of(new LeaseInput.Admitted(read.valueBlock(), read.watchesQueue()));
    } catch (QuorateException e) {
      return Optional.of(failedRead(e));
    }
  }

  private void grant() {
    if (callerWaits) {
      // The only continuations are a blocked caller and our own bookkeeping: nothing that blocks.
      if (!granted.complete(lease)) {
        post.accept(new LeaseInput.Release()); // the requester gave up at this very moment
      }
    } else {
      // Completed off the steps: a caller's continuation may call release(), which waits for them.
      service
          .pool()
          .execute(
              () -> {
                if (!granted.complete(lease)) {
                  // The requester gave up at this very moment; nobody will hold the grant.
                  post.accept(new LeaseInput.Release());
                }
              });
    }
  }

  /**
   * Makes the blocking callback hear of waiters from now on.
   *
   * @return true the first time: the caller posts the listing that starts it
   */
  boolean hearWaiters() {
    return hearingWaiters.compareAndSet(false, true);
  }

  private void notifyWaiters(boolean later, LeaseStatus s) {
    if (blockingCallback == null || !hearingWaiters.get()) {
      return;
    }
    if (later) {
      // A step of its own, after the grant's completion: the holder need not wait for this read.
      post.accept(new LeaseInput.WaitersChanged());
      return;
    }
    for (LockMode wanted : watch.newWaiters(s.node().name())) {
      events.blocking(blockingCallback, wanted);
    }
  }

  private Optional<LeaseInput> checkOwnNode(LeaseStatus s) {
    try {
      return Optional.of(new LeaseInput.NodeChecked(watch.checkOwnNode(s.node().path())));
    } catch (QuorateException e) {
      return Optional.of(new LeaseInput.CheckFailed(e));
    }
  }

  private QuorateException conversionFailure(ErrorCode code, String why) {
    return code == ErrorCode.CLOSED
        ? new QuorateException(
            code, "lock manager closed; conversion on '" + rules.resource() + "' failed")
        : new LeaseLostException(code, "lease " + lease + " " + why);
  }

  /** The requester's future. */
  CompletableFuture<Lease> granted() {
    return granted;
  }

  /** Completed once the lease is over: the manager need not know it any more. */
  CompletableFuture<Void> ended() {
    return ended;
  }

  /** The holder's staged value block and the answer to the release that wrote it. */
  StagedValue value() {
    return value;
  }

  /** Starts a conversion to {@code target} within {@code timeout} (null: no bound). */
  CompletableFuture<Lease> convert(LockMode target, Duration timeout) {
    return conversion(true).start(target, timeout);
  }

  /**
   * The lease's conversion, made if {@code make} and not made yet; null if never asked for. The
   * holder's thread asks first, the steps carry it out.
   */
  private synchronized ZkConversion conversion(boolean make) {
    if (conversion == null && make) {
      conversion =
          new ZkConversion(
              nodes,
              container,
              rules.resource(),
              watch,
              recovery,
              steps,
              post,
              service.timer()::afterTimeout);
    }
    return conversion;
  }
}
