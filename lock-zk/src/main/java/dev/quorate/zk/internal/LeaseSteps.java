package dev.quorate.zk.internal;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.internal.LeaseEvents;
import dev.quorate.zk.internal.LeaseMachine.Effect;
import dev.quorate.zk.internal.LeaseMachine.Event;
import dev.quorate.zk.internal.LeaseMachine.State;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the {@link LeaseMachine.Effect}s of one {@link ZkLease}, on its steps: the ZooKeeper
 * calls (through {@link ZkNodes}, {@link LeaseWatch}, {@link ZkConversion}, {@link LeaseEnds}) and
 * the futures and listeners of its holder. What an effect reads comes back as the {@link Event} it
 * returns, which the lease applies next; what arrives later (a watch, a poll) is posted. It never
 * calls the lease. It keeps the holder's staged value block, which only the holder writes.
 */
final class LeaseSteps {
  private static final Logger log = LoggerFactory.getLogger(LeaseSteps.class);

  private final ZkLockService service;
  private final ZkNodes nodes;
  private final String container;
  private final LeaseMachine.Rules rules;
  private final Lease lease;
  private final CompletableFuture<Lease> granted;
  private final LeaseEvents events;
  private final BlockingCallback blockingCallback;
  private final boolean callerWaits;
  private final Executor steps;
  private final Consumer<Event> post;
  private final RecoveryCheck recovery;
  private final LeaseWatch watch;
  private final ZkConversion conversion;
  private final LeaseEnds ends;

  private volatile ValueBlock staged;

  /** ZooKeeper's answer to the release, once it was sent. */
  private CompletableFuture<ZkNodes.Release> released =
      CompletableFuture.completedFuture(ZkNodes.Release.DELETED);

  /**
   * @param lease the lease handed to its requester and to its conversions' callers
   * @param steps the lease's serial steps, where every effect runs
   * @param post posts an event to the lease's steps
   * @param recovery the lock's recovery check, or null if ungated
   */
  LeaseSteps(
      ZkLockService service,
      LeaseMachine.Rules rules,
      Lease lease,
      CompletableFuture<Lease> granted,
      LeaseEvents events,
      BlockingCallback blockingCallback,
      boolean callerWaits,
      Executor steps,
      Consumer<Event> post,
      RecoveryCheck recovery) {
    this.service = service;
    this.nodes = service.nodes();
    this.container = service.container(rules.resource());
    this.rules = rules;
    this.lease = lease;
    this.granted = granted;
    this.events = events;
    this.blockingCallback = blockingCallback;
    this.callerWaits = callerWaits;
    this.steps = steps;
    this.post = post;
    this.recovery = recovery;
    this.watch = new LeaseWatch(nodes.reads(), container, post);
    this.conversion = new ZkConversion(nodes, container, rules.resource(), watch, recovery, post);
    this.ends = new LeaseEnds(service, nodes, container, recovery);
  }

  /**
   * Carries out {@code effect} in state {@code s}; returns what it read, for the lease to apply.
   */
  Optional<Event> run(Effect effect, State s) {
    if (effect instanceof LeaseMachine.Create c) {
      ends.requeue(c.old());
      return Optional.of(create(s));
    } else if (effect instanceof LeaseMachine.ReadQueue r) {
      return Optional.of(readQueue(r.read()));
    } else if (effect instanceof LeaseMachine.Admit a) {
      return admit(a);
    } else if (effect instanceof LeaseMachine.WatchBlocker w) {
      watch.waitFor(w.nearest());
    } else if (effect instanceof LeaseMachine.Grant) {
      grant();
    } else if (effect instanceof LeaseMachine.FailRequest f) {
      granted.completeExceptionally(f.failure());
    } else if (effect instanceof LeaseMachine.DeleteRequest d) {
      ends.withdraw(d.node());
    } else if (effect instanceof LeaseMachine.Forget) {
      service.forget(lease);
    } else if (effect instanceof LeaseMachine.Emit e) {
      events.emit(e.from(), e.to(), e.cause());
    } else if (effect instanceof LeaseMachine.WatchOwnNode w) {
      if (w.background()) {
        watch.ownNodeInBackground(s.node().path());
      } else {
        watch.ownNode(s.node().path());
      }
    } else if (effect instanceof LeaseMachine.NotifyWaiters n) {
      notifyWaiters(n.later(), s);
    } else if (effect instanceof LeaseMachine.CheckOwnNode) {
      return checkOwnNode(s);
    } else if (effect instanceof LeaseMachine.EvaluateConversion) {
      return conversion.evaluate(s, service.isClosed()).map(Event.class::cast);
    } else if (effect instanceof LeaseMachine.BeginConversion b) {
      return conversion.begin(s, b.to(), b.tryOnce(), b.outcome()).map(Event.class::cast);
    } else if (effect instanceof LeaseMachine.RefuseConversion r) {
      r.outcome().completeExceptionally(s.notGranted(rules.resource()));
    } else if (effect instanceof LeaseMachine.FailConversion f) {
      if (conversion.inProgress()) {
        conversion.fail(conversionFailure(f.code(), f.why()), s.phase().held());
      }
    } else if (effect instanceof LeaseMachine.CompleteConversion c) {
      // Off the steps: a caller's continuation may call release(), which waits for them.
      service.pool().execute(() -> c.outcome().complete(lease));
    } else if (effect instanceof LeaseMachine.RetireNode r) {
      return retire(r, s);
    } else if (effect instanceof LeaseMachine.EndHeld e) {
      end(e, s);
    } else {
      throw new IllegalArgumentException("unknown lease effect " + effect);
    }
    return Optional.empty();
  }

  private Event create(State s) {
    if (granted.isDone()) {
      return new LeaseMachine.Withdraw(null); // timed out or interrupted before it was queued
    }
    try {
      ZkNodes.Queued queued =
          nodes.createQueued(container, LockNode.requestPrefix(s.mode()), watch.queueSinceCreate());
      return new LeaseMachine.Created(queued.created(), queued.read());
    } catch (QuorateException e) {
      return new LeaseMachine.CreateFailed(e);
    }
  }

  /** Lists the queue, or takes {@code pipelined} (read right after our create). */
  private Event readQueue(ZkReads.Pipelined pipelined) {
    if (service.isClosed()) {
      return new LeaseMachine.Close();
    }
    if (granted.isDone()) {
      return new LeaseMachine.Withdraw(null); // its requester gave up: nobody would hold it
    }
    try {
      ZkReads.Pipelined read =
          pipelined != null ? pipelined : nodes.reads().queueAndValue(container);
      return new LeaseMachine.QueueRead(read.queue(), read);
    } catch (QuorateException e) {
      return failedRead(e);
    }
  }

  private Event failedRead(QuorateException e) {
    // On CONNECTION_LOSS the connection listener makes the lease look again once it is back.
    log.debug("reading the queue of {} failed", container, e);
    return new LeaseMachine.ReadFailed(e);
  }

  private Optional<Event> admit(LeaseMachine.Admit a) {
    try {
      if (recovery != null
          && !recovery.proceed(
              recovery.admit(a.queue(), a.me()),
              rules.tryOnce(),
              () -> post.accept(new LeaseMachine.Refused()),
              () -> post.accept(new LeaseMachine.BlockerGone()))) {
        return Optional.empty();
      }
      ZkReads.Pipelined read = a.read();
      return Optional.of(new LeaseMachine.Admitted(read.valueBlock(), read.watchesQueue()));
    } catch (QuorateException e) {
      return Optional.of(failedRead(e));
    }
  }

  private void grant() {
    if (callerWaits) {
      // The only continuations are a blocked caller and our own bookkeeping: nothing that blocks.
      if (!granted.complete(lease)) {
        post.accept(new LeaseMachine.Release()); // the requester gave up at this very moment
      }
    } else {
      // Completed off the steps: a caller's continuation may call release(), which waits for them.
      service
          .pool()
          .execute(
              () -> {
                if (!granted.complete(lease)) {
                  // The requester gave up at this very moment; nobody will hold the grant.
                  post.accept(new LeaseMachine.Release());
                }
              });
    }
  }

  private void notifyWaiters(boolean later, State s) {
    if (blockingCallback == null) {
      return;
    }
    if (later) {
      // A step of its own, after the grant's completion: the holder need not wait for this read.
      post.accept(new LeaseMachine.WaitersChanged());
      return;
    }
    for (LockMode wanted : watch.newWaiters(s.node().name())) {
      events.blocking(blockingCallback, wanted);
    }
  }

  private Optional<Event> checkOwnNode(State s) {
    try {
      return Optional.of(new LeaseMachine.NodeChecked(nodes.reads().exists(s.node().path())));
    } catch (QuorateException e) {
      return Optional.empty(); // still no connection; the next state change decides
    }
  }

  private QuorateException conversionFailure(ErrorCode code, String why) {
    return code == ErrorCode.CLOSED
        ? new QuorateException(
            code, "lock manager closed; conversion on '" + rules.resource() + "' failed")
        : new LeaseLostException(code, "lease " + lease + " " + why);
  }

  /**
   * Deletes the node a conversion switched away from. A down-conversion from PW or EX writes the
   * staged value block as the old node goes (VMS: on any down-conversion), then reads the version
   * to write the next one with; if that read fails the old version stays, so a later write is
   * refused rather than overwriting a newer value.
   */
  private Optional<Event> retire(LeaseMachine.RetireNode r, State s) {
    ValueBlock write = r.writeStaged() ? staged : null;
    if (write == null) {
      nodes.delete(r.old().path());
      return Optional.empty();
    }
    nodes.release(container, r.old().path(), write, s.value().version());
    try {
      return Optional.of(new LeaseMachine.ValueRead(nodes.reads().readValue(container)));
    } catch (QuorateException e) {
      log.warn("value block of {} not read back after a down-conversion", container, e);
      return Optional.empty();
    } finally {
      staged = null;
    }
  }

  private void end(LeaseMachine.EndHeld e, State s) {
    switch (e.end()) {
      case RELEASED -> {
        ValueBlock write = s.mode().writesValueBlock() ? staged : null;
        staged = null;
        released = ends.release(e.node(), write, s.value() == null ? -1 : s.value().version());
      }
      case LOST -> nodes.deleteInBackground(e.node().path());
      case CLOSED ->
          // LOST under threads that may still use the resource: a gated lease keeps its record
          // (and its session child, which ends with the session), so the next holder waits for
          // the gate as for any lost holder.
          nodes.delete(e.node().path());
      case ABANDONED -> ends.abandon(e.node());
    }
  }

  /** ZooKeeper's answer to the release sent by the last {@code EndHeld(RELEASED)}; on the steps. */
  CompletableFuture<ZkNodes.Release> released() {
    return released;
  }

  /** Starts a conversion to {@code target} within {@code timeout} (null: no bound). */
  CompletableFuture<Lease> convert(LockMode target, Duration timeout) {
    ZkConversion.Outcome result = new ZkConversion.Outcome();
    boolean tryOnce = timeout != null && timeout.isZero();
    post.accept(new LeaseMachine.ConversionAsked(target, tryOnce, result));
    if (timeout != null && !tryOnce) {
      // The deadline runs on the lease's steps, like the grant: whichever comes first wins, so a
      // conversion reported as timed out has surely left the lease in its old mode.
      service.afterTimeout(
          timeout, result, () -> steps.execute(() -> conversion.timeout(result, target, timeout)));
    }
    result.whenComplete(
        (converted, failure) -> {
          if (failure != null) {
            steps.execute(() -> conversion.cancel(result));
          }
        });
    return result;
  }

  ValueBlock staged() {
    return staged;
  }

  void stage(ValueBlock value) {
    staged = value;
  }
}
