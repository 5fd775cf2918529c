package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The life of one ZooKeeper request and its lease as one pure function: {@link #next} takes the
 * lease's state and what happened, and returns the next state and what the lease must do. Nothing
 * here calls ZooKeeper or waits; {@link ZkLease} applies the {@link Effect}s on its serial steps
 * and feeds what they read back in as {@link Event}s. So every rule of the lease's life is here, in
 * one switch, and can be checked without a server ({@code LeaseMachineTest}, {@code
 * QueueRulesProperties}).
 */
final class LeaseMachine {
  private LeaseMachine() {}

  /** Where a request is in its life; the holder sees it from GRANTED on. */
  enum Phase {
    CREATING,
    WAITING,
    GRANTED,
    SUSPECT,
    WITHDRAWN,
    RELEASED,
    LOST;

    boolean held() {
      return this == GRANTED || this == SUSPECT;
    }

    boolean over() {
      return this == WITHDRAWN || this == RELEASED || this == LOST;
    }
  }

  /**
   * What does not change over a request's life.
   *
   * @param resource the resource, for messages
   * @param tryOnce granted only if nothing blocks it now
   * @param gated the lock has a recovery gate: a grant asks it first
   */
  record Rules(String resource, boolean tryOnce, boolean gated) {}

  /**
   * The state of one lease.
   *
   * @param phase where it is
   * @param node its lock node, or null while none is ours
   * @param mode the mode held (or asked for, until granted)
   * @param token the czxid of the node that was granted last; 0 before the grant
   * @param value the value block read at the grant, with the version to write it back with
   * @param releaseAsked the holder called release(): a loss found before that step ran is a release
   */
  record State(
      Phase phase,
      ZkNodes.Created node,
      LockMode mode,
      long token,
      ZkReads.Value value,
      boolean releaseAsked) {
    static State requesting(LockMode mode) {
      return new State(Phase.CREATING, null, mode, 0, null, false);
    }

    State phase(Phase next) {
      return new State(next, node, mode, token, value, releaseAsked);
    }

    State node(ZkNodes.Created next) {
      return new State(phase, next, mode, token, value, releaseAsked);
    }

    State value(ZkReads.Value next) {
      return new State(phase, node, mode, token, next, releaseAsked);
    }

    State withReleaseAsked() {
      return new State(phase, node, mode, token, value, true);
    }

    /** The state as the holder sees it: RELEASED from its release() on, unless LOST first. */
    LeaseState holderView() {
      if (releaseAsked && phase != Phase.LOST) {
        return LeaseState.RELEASED;
      }
      return switch (phase) {
        case CREATING, WAITING, GRANTED -> LeaseState.GRANTED;
        case SUSPECT -> LeaseState.SUSPECT;
        case WITHDRAWN, RELEASED -> LeaseState.RELEASED;
        case LOST -> LeaseState.LOST;
      };
    }

    /** Why the holder may not use the lease in this state. */
    LeaseLostException notGranted(String resource) {
      String what =
          "lease on '"
              + resource
              + "' (token "
              + (token == 0 ? null : FencingToken.of(token))
              + ")";
      return switch (holderView()) {
        case SUSPECT ->
            new LeaseLostException(
                ErrorCode.LEASE_SUSPECT,
                what + " is SUSPECT: connection to ZooKeeper suspended; stop using the resource");
        case LOST -> new LeaseLostException(ErrorCode.LEASE_LOST, what + " is lost");
        default -> new LeaseLostException(ErrorCode.LEASE_RELEASED, what + " was released");
      };
    }

    /** The state the holder saw before this transition. */
    LeaseState seen() {
      return phase == Phase.SUSPECT ? LeaseState.SUSPECT : LeaseState.GRANTED;
    }
  }

  /** What happened to the lease: ZooKeeper's answers, watches, the connection, the holder. */
  sealed interface Event {}

  /** The request's node was created; {@code read} is the listing pipelined behind it, or null. */
  record Created(ZkNodes.Created node, ZkReads.Pipelined read) implements Event {}

  /** The create failed. */
  record CreateFailed(QuorateException failure) implements Event {}

  /** The queue was listed; {@code read} carries the value block read behind it (null in tests). */
  record QueueRead(QueueSnapshot queue, ZkReads.Pipelined read) implements Event {}

  /** Listing the queue, or checking the grant, failed. */
  record ReadFailed(QuorateException failure) implements Event {}

  /** Nothing blocks the request and, on a gated lock, the gate admitted it. */
  record Admitted(ZkReads.Value value, boolean queueWatched) implements Event {}

  /** The recovery gate withheld a request that may not wait. */
  record Refused() implements Event {}

  /** A node we waited behind changed (or the gate asks to look again): read the queue again. */
  record BlockerGone() implements Event {}

  /** The queue changed; a held lease watches its own node again. */
  record NodeChanged() implements Event {}

  /** Requests may have come that this holder keeps waiting. */
  record WaitersChanged() implements Event {}

  /** The node at {@code path} was deleted. */
  record NodeDeleted(String path) implements Event {}

  /** The connection was suspended. */
  record Suspended() implements Event {}

  /** The connection is back, in session {@code session} (0 if none). */
  record Reconnected(long session) implements Event {}

  /** Whether the held node exists, as read after a reconnect. */
  record NodeChecked(boolean exists) implements Event {}

  /** The session is lost. */
  record SessionLost() implements Event {}

  /** The requester gave up (timeout, interrupt), with {@code failure} to tell it, or null. */
  record Withdraw(QuorateException failure) implements Event {}

  /** The holder released the lease. */
  record Release() implements Event {}

  /** The holder gives the lease up as lost (the quorum gate's revocation). */
  record Abandon(String cause) implements Event {}

  /** The lock manager closes. */
  record Close() implements Event {}

  /** The holder asks for a conversion. */
  record ConversionAsked(LockMode to, boolean tryOnce, ZkConversion.Outcome outcome)
      implements Event {}

  /**
   * A conversion was granted: the lease holds {@code mode} on {@code node} now. An up-conversion
   * reads the value block ({@code value}) and takes the node's czxid as token; a down-conversion
   * ({@code value} null) keeps both.
   */
  record Converted(
      ZkNodes.Created node, LockMode mode, ZkReads.Value value, ZkConversion.Outcome outcome)
      implements Event {}

  /** The value block was read again (after a down-conversion wrote it). */
  record ValueRead(ZkReads.Value value) implements Event {}

  /** What the lease must do. */
  sealed interface Effect {}

  /** Create the request's node (after withdrawing {@code old}'s record on a gated lock). */
  record Create(ZkNodes.Created old) implements Effect {}

  /** List the queue (or use {@code read}, pipelined with the create) and report it. */
  record ReadQueue(ZkReads.Pipelined read) implements Effect {}

  /** Ask the recovery gate if the lock has one, read the value block, then report it admitted. */
  record Admit(QueueSnapshot queue, LockNode me, ZkReads.Pipelined read) implements Effect {}

  /** Watch the nearest node that blocks the request. */
  record WatchBlocker(LockNode nearest) implements Effect {}

  /** Complete the requester's future with the lease. */
  record Grant() implements Effect {}

  /** Fail the requester's future. */
  record FailRequest(QuorateException failure) implements Effect {}

  /** Delete the node of a request that was never granted (and its record, if gated). */
  record DeleteRequest(ZkNodes.Created node) implements Effect {}

  /** Drop the lease from the manager's set. */
  record Forget() implements Effect {}

  /** Tell the listeners. */
  record Emit(LeaseState from, LeaseState to, String cause) implements Effect {}

  /** Watch the held node; {@code background} not waiting for the answer. */
  record WatchOwnNode(boolean background) implements Effect {}

  /** Tell the blocking callback of new waiters, now or in a step of its own. */
  record NotifyWaiters(boolean later) implements Effect {}

  /** Check, after a reconnect, that the held node still exists. */
  record CheckOwnNode() implements Effect {}

  /** Look at the pending conversion again. */
  record EvaluateConversion() implements Effect {}

  /** Start a conversion of the held lease. */
  record BeginConversion(LockMode to, boolean tryOnce, ZkConversion.Outcome outcome)
      implements Effect {}

  /** Refuse a conversion: the lease is not GRANTED. */
  record RefuseConversion(ZkConversion.Outcome outcome) implements Effect {}

  /** Fail the pending conversion, if any, with {@code code} and {@code why}. */
  record FailConversion(ErrorCode code, String why) implements Effect {}

  /** Complete a granted conversion's future with the lease. */
  record CompleteConversion(ZkConversion.Outcome outcome) implements Effect {}

  /** Delete the node a conversion left behind, writing the staged value block if asked. */
  record RetireNode(ZkNodes.Created old, boolean writeStaged) implements Effect {}

  /** How a held lease's node goes. */
  enum End {
    /** A release: with the staged value block and, if gated, the holder record. */
    RELEASED,
    /** Lost: best effort, in the background; it is gone already unless only our view was lost. */
    LOST,
    /** The manager closed: deleted now; a gated lease keeps its record. */
    CLOSED,
    /** Given up as lost: the node and the record's session child go, the record stays. */
    ABANDONED
  }

  /** End the held node. */
  record EndHeld(End end, ZkNodes.Created node) implements Effect {}

  /**
   * A transition: the next state and what to do, in order.
   *
   * @param state the next state
   * @param effects what the lease must do
   */
  record Step(State state, List<Effect> effects) {
    static Step stay(State state) {
      return new Step(state, List.of());
    }
  }

  /**
   * The transition function: where {@code event} takes a lease in {@code state}. (Java 17 has no
   * switch over sealed types yet: one test per event, in the order of {@link Event}'s records.)
   */
  static Step next(Rules rules, State s, Event event) {
    Phase phase = s.phase();
    if (event instanceof Created c) {
      return created(s, c);
    } else if (event instanceof CreateFailed f) {
      return phase == Phase.CREATING
          ? new Step(s.phase(Phase.WITHDRAWN), List.of(new Forget(), new FailRequest(f.failure())))
          : Step.stay(s);
    } else if (event instanceof QueueRead r) {
      return queueRead(rules, s, r);
    } else if (event instanceof ReadFailed f) {
      boolean fatal = rules.tryOnce() || f.failure().code() != ErrorCode.CONNECTION_LOSS;
      // Connection trouble: evaluated again once the client is back.
      return phase == Phase.WAITING && fatal ? withdraw(s, f.failure()) : Step.stay(s);
    } else if (event instanceof Admitted a) {
      return admitted(s, a);
    } else if (event instanceof Refused) {
      return withdraw(s, timedOut(rules, s));
    } else if (event instanceof BlockerGone) {
      return phase == Phase.WAITING
          ? new Step(s, List.of(new ReadQueue(null)))
          : whenHeld(s, new EvaluateConversion());
    } else if (event instanceof NodeChanged) {
      return whenHeld(s, new WatchOwnNode(false));
    } else if (event instanceof WaitersChanged) {
      return whenHeld(s, new NotifyWaiters(false));
    } else if (event instanceof NodeDeleted d) {
      // A conversion deletes the lease's old node itself after switching to the new one.
      return phase.held() && s.node().path().equals(d.path())
          ? lose(
              s, "lock node " + d.path() + " was deleted (by another client, or its session ended)")
          : Step.stay(s);
    } else if (event instanceof Suspended) {
      return phase == Phase.GRANTED
          ? new Step(
              s.phase(Phase.SUSPECT),
              List.of(
                  new Emit(
                      LeaseState.GRANTED, LeaseState.SUSPECT, "connection to ZooKeeper suspended")))
          : Step.stay(s);
    } else if (event instanceof Reconnected r) {
      return reconnected(s, r.session());
    } else if (event instanceof NodeChecked c) {
      return nodeChecked(s, c.exists());
    } else if (event instanceof SessionLost) {
      return lose(s, "ZooKeeper session lost");
    } else if (event instanceof Withdraw w) {
      return phase.held() ? release(s) : withdraw(s, w.failure());
    } else if (event instanceof Release) {
      return release(s);
    } else if (event instanceof Abandon a) {
      return end(s, End.ABANDONED, ErrorCode.LEASE_LOST, "lost: " + a.cause(), a.cause());
    } else if (event instanceof Close) {
      return phase.held()
          ? end(s, End.CLOSED, ErrorCode.CLOSED, "closed", "lock manager closed")
          : withdraw(s, closed(rules));
    } else if (event instanceof ConversionAsked a) {
      return phase == Phase.GRANTED && !s.releaseAsked()
          ? new Step(s, List.of(new BeginConversion(a.to(), a.tryOnce(), a.outcome())))
          : new Step(s, List.of(new RefuseConversion(a.outcome())));
    } else if (event instanceof Converted c) {
      return converted(s, c);
    } else if (event instanceof ValueRead v) {
      return phase.held() ? Step.stay(s.value(v.value())) : Step.stay(s);
    }
    throw new IllegalArgumentException("unknown lease event " + event);
  }

  private static Step created(State s, Created c) {
    if (s.phase() != Phase.CREATING) {
      // Withdrawn (or the manager closed) before the node came: nobody will wait on it.
      return new Step(s, List.of(new DeleteRequest(c.node())));
    }
    return new Step(s.phase(Phase.WAITING).node(c.node()), List.of(new ReadQueue(c.read())));
  }

  private static Step queueRead(Rules rules, State s, QueueRead r) {
    if (s.phase() != Phase.WAITING) {
      return Step.stay(s);
    }
    LockNode me = r.queue().find(s.node().name()).orElse(null);
    if (me == null) {
      // Our node vanished while waiting (session expired, or someone deleted it): queue again.
      return requeue(s);
    }
    List<LockNode> blockers = r.queue().blockers(me);
    if (blockers.isEmpty()) {
      return new Step(s, List.of(new Admit(r.queue(), me, r.read())));
    }
    if (rules.tryOnce()) {
      return withdraw(s, timedOut(rules, s));
    }
    return new Step(s, List.of(new WatchBlocker(blockers.get(blockers.size() - 1))));
  }

  /**
   * Queues the request again after its node went. A record at its old position (written by a grant
   * whose reply was lost) goes first: the lease never reached the caller, and left behind it would
   * gate this very request as a lost holder.
   */
  private static Step requeue(State s) {
    return new Step(s.phase(Phase.CREATING).node(null), List.of(new Create(s.node())));
  }

  private static Step admitted(State s, Admitted a) {
    if (s.phase() != Phase.WAITING) {
      return Step.stay(s);
    }
    State granted =
        new State(Phase.GRANTED, s.node(), s.mode(), s.node().czxid(), a.value(), s.releaseAsked());
    // A listing that granted us left a watch on the queue, which also fires when our node is
    // deleted: no watch of its own is needed until the queue changes.
    List<Effect> effects =
        a.queueWatched()
            ? List.of(new Grant(), new NotifyWaiters(true))
            : List.of(new WatchOwnNode(true), new Grant(), new NotifyWaiters(true));
    return new Step(granted, effects);
  }

  private static Step whenHeld(State s, Effect effect) {
    return s.phase().held() ? new Step(s, List.of(effect)) : Step.stay(s);
  }

  private static Step reconnected(State s, long session) {
    if (s.phase().held()) {
      return session != s.node().session()
          ? lose(s, "ZooKeeper session expired")
          : new Step(s, List.of(new CheckOwnNode()));
    }
    if (s.phase() == Phase.WAITING) {
      // The session that queued the request ended, and its node with it: queue again.
      return session != s.node().session() ? requeue(s) : new Step(s, List.of(new ReadQueue(null)));
    }
    return Step.stay(s);
  }

  private static Step nodeChecked(State s, boolean exists) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    if (!exists) {
      return lose(s, "lock node " + s.node().path() + " is gone");
    }
    List<Effect> rewatch =
        List.of(new WatchOwnNode(false), new NotifyWaiters(false), new EvaluateConversion());
    if (s.phase() == Phase.GRANTED) {
      return new Step(s, rewatch);
    }
    Effect back =
        new Emit(LeaseState.SUSPECT, LeaseState.GRANTED, "reconnected within the session");
    return new Step(
        s.phase(Phase.GRANTED), List.of(back, rewatch.get(0), rewatch.get(1), rewatch.get(2)));
  }

  /** Withdraws a request that was not granted, telling its requester {@code failure} if given. */
  private static Step withdraw(State s, QuorateException failure) {
    if (s.phase() != Phase.CREATING && s.phase() != Phase.WAITING) {
      return Step.stay(s);
    }
    List<Effect> effects = new ArrayList<>(3);
    if (failure != null) {
      effects.add(new FailRequest(failure));
    }
    if (s.node() != null) {
      effects.add(new DeleteRequest(s.node()));
    }
    effects.add(new Forget());
    return new Step(s.phase(Phase.WITHDRAWN), List.copyOf(effects));
  }

  private static Step release(State s) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    return new Step(
        s.phase(Phase.RELEASED),
        List.of(
            new FailConversion(ErrorCode.LEASE_RELEASED, "was released while converting"),
            new Emit(s.seen(), LeaseState.RELEASED, "released by holder"),
            new Forget(),
            new EndHeld(End.RELEASED, s.node())));
  }

  private static Step lose(State s, String cause) {
    return end(s, End.LOST, ErrorCode.LEASE_LOST, "is lost", cause);
  }

  /** Ends a held lease as LOST, or as RELEASED if its holder let go first (as state() told it). */
  private static Step end(State s, End end, ErrorCode code, String why, String cause) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    if (s.releaseAsked()) {
      return release(s);
    }
    return new Step(
        s.phase(Phase.LOST),
        List.of(
            new FailConversion(code, why),
            new Emit(s.seen(), LeaseState.LOST, cause),
            new EndHeld(end, s.node()),
            new Forget()));
  }

  private static Step converted(State s, Converted c) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    if (c.node().equals(s.node())) {
      return new Step(s, List.of(new CompleteConversion(c.outcome()))); // to the mode it holds
    }
    boolean up = c.value() != null;
    State next =
        new State(
            s.phase(),
            c.node(),
            c.mode(),
            up ? c.node().czxid() : s.token(),
            up ? c.value() : s.value(),
            s.releaseAsked());
    // The new node is watched before the old one goes: its deletion is ours, not a loss.
    List<Effect> effects =
        up
            ? List.of(
                new WatchOwnNode(false),
                new RetireNode(s.node(), false),
                new NotifyWaiters(false),
                new CompleteConversion(c.outcome()))
            : List.of(
                new WatchOwnNode(false),
                new RetireNode(s.node(), true),
                new CompleteConversion(c.outcome()));
    return new Step(next, effects);
  }

  private static LockTimeoutException timedOut(Rules rules, State s) {
    return new LockTimeoutException(rules.resource(), s.mode(), Duration.ZERO);
  }

  private static QuorateException closed(Rules rules) {
    return new QuorateException(
        ErrorCode.CLOSED, "lock manager closed; request on '" + rules.resource() + "' failed");
  }
}
