package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import dev.quorate.zk.internal.LeaseStatus.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The life of one ZooKeeper request and its lease as one pure function: {@link #next} takes the
 * lease's state and what happened, and returns the next state and what the lease must do. Nothing
 * here calls ZooKeeper or waits; {@link ZkLease} applies the {@link LeaseEffect}s on its serial
 * steps and feeds what they read back in as {@link LeaseInput}s. So every rule of the lease's life
 * is here, in one switch, and can be checked without a server ({@code LeaseMachineTest}, {@code
 * QueueRulesProperties}).
 */
final class LeaseMachine {
  private LeaseMachine() {}

  /**
   * What does not change over a request's life.
   *
   * @param resource the resource, for messages
   * @param tryOnce granted only if nothing blocks it now
   * @param gated the lock has a recovery gate: a grant asks it first
   */
  record Rules(String resource, boolean tryOnce, boolean gated) {}

  /**
   * A transition: the next state and what to do, in order.
   *
   * @param state the next state
   * @param effects what the lease must do
   */
  record Step(LeaseStatus state, List<LeaseEffect> effects) {
    static Step stay(LeaseStatus state) {
      return new Step(state, List.of());
    }
  }

  /**
   * The transition function: where {@code event} takes a lease in {@code state}. (Java 17 has no
   * switch over sealed types yet: one test per event, in the order of {@link LeaseInput}'s
   * records.)
   */
  static Step next(Rules rules, LeaseStatus s, LeaseInput event) {
    Phase phase = s.phase();
    if (event instanceof LeaseInput.Created c) {
      return created(s, c);
    } else if (event instanceof LeaseInput.CreateFailed f) {
      return phase == Phase.CREATING
          ? new Step(
              s.phase(Phase.WITHDRAWN),
              List.of(new LeaseEffect.Forget(), new LeaseEffect.FailRequest(f.failure())))
          : Step.stay(s);
    } else if (event instanceof LeaseInput.QueueRead r) {
      return queueRead(rules, s, r);
    } else if (event instanceof LeaseInput.ReadFailed f) {
      return readFailed(rules, s, f.failure());
    } else if (event instanceof LeaseInput.Admitted a) {
      return admitted(s, a);
    } else if (event instanceof LeaseInput.Refused) {
      return withdraw(s, timedOut(rules, s));
    } else if (event instanceof LeaseInput.BlockerGone) {
      return phase == Phase.WAITING
          ? new Step(s, List.of(new LeaseEffect.ReadQueue(null)))
          : whenHeld(s, new LeaseEffect.EvaluateConversion());
    } else if (event instanceof LeaseInput.BlockerDeleted d) {
      // Armed for a node we queued before (requeued since), or granted meanwhile: nothing to do.
      return phase == Phase.WAITING && d.node().equals(s.node())
          ? new Step(s, List.of(new LeaseEffect.Wake(d.value())))
          : Step.stay(s);
    } else if (event instanceof LeaseInput.NodeChanged) {
      return whenHeld(s, new LeaseEffect.WatchOwnNode(false));
    } else if (event instanceof LeaseInput.WaitersChanged) {
      return whenHeld(s, new LeaseEffect.NotifyWaiters(false));
    } else if (event instanceof LeaseInput.NodeDeleted d) {
      if (phase == Phase.WAITING && s.node().path().equals(d.path())) {
        // Watched while waiting for a wake-up: heard before the blocker's deletion, if earlier.
        return requeue(s);
      }
      // A conversion deletes the lease's old node itself after switching to the new one.
      return phase.held() && s.node().path().equals(d.path())
          ? lose(
              s, "lock node " + d.path() + " was deleted (by another client, or its session ended)")
          : Step.stay(s);
    } else if (event instanceof LeaseInput.Suspended) {
      return phase == Phase.GRANTED
          ? new Step(
              s.phase(Phase.SUSPECT), List.of(suspected("connection to ZooKeeper suspended")))
          : Step.stay(s);
    } else if (event instanceof LeaseInput.Reconnected r) {
      return reconnected(s, r.session());
    } else if (event instanceof LeaseInput.NodeChecked c) {
      return nodeChecked(s, c.exists());
    } else if (event instanceof LeaseInput.CheckFailed f) {
      // Connection trouble: checked again once the client is back. Refused: it cannot be watched.
      return phase.held() && f.failure().code() != ErrorCode.CONNECTION_LOSS
          ? lose(s, "cannot watch lock node " + s.node().path() + ": " + f.failure().getMessage())
          : Step.stay(s);
    } else if (event instanceof LeaseInput.SessionLost) {
      return lose(s, "ZooKeeper session lost");
    } else if (event instanceof LeaseInput.Withdraw w) {
      return phase.held() ? release(s) : withdraw(s, w.failure());
    } else if (event instanceof LeaseInput.Release) {
      return release(s);
    } else if (event instanceof LeaseInput.Abandon a) {
      return end(
          s, LeaseEffect.End.ABANDONED, ErrorCode.LEASE_LOST, "lost: " + a.cause(), a.cause());
    } else if (event instanceof LeaseInput.Close) {
      return phase.held()
          ? end(s, LeaseEffect.End.CLOSED, ErrorCode.CLOSED, "closed", "lock manager closed")
          : withdraw(s, closed(rules));
    } else if (event instanceof LeaseInput.ConversionAsked a) {
      return phase == Phase.GRANTED && !s.releaseAsked()
          ? new Step(s, List.of(new LeaseEffect.BeginConversion(a.to(), a.tryOnce(), a.outcome())))
          : new Step(s, List.of(new LeaseEffect.RefuseConversion(a.outcome())));
    } else if (event instanceof LeaseInput.Converted c) {
      return converted(s, c);
    } else if (event instanceof LeaseInput.ValueRead v) {
      return phase.held() ? Step.stay(s.value(v.value())) : Step.stay(s);
    }
    throw new IllegalArgumentException("unknown lease event " + event);
  }

  private static Step created(LeaseStatus s, LeaseInput.Created c) {
    if (s.phase() != Phase.CREATING) {
      // Withdrawn (or the manager closed) before the node came: nobody will wait on it.
      return new Step(s, List.of(new LeaseEffect.DeleteRequest(c.node())));
    }
    return new Step(
        s.phase(Phase.WAITING).node(c.node()), List.of(new LeaseEffect.ReadQueue(c.read())));
  }

  private static Step queueRead(Rules rules, LeaseStatus s, LeaseInput.QueueRead r) {
    // A listing sent for a node we no longer wait on lacks our new node: it would queue us again.
    if (s.phase() != Phase.WAITING || !r.node().equals(s.node())) {
      return Step.stay(s);
    }
    LockNode me = r.queue().find(s.node().name()).orElse(null);
    if (me == null) {
      // Our node vanished while waiting (session expired, or someone deleted it): queue again.
      return requeue(s);
    }
    List<LockNode> blockers = r.queue().blockers(me);
    if (blockers.isEmpty()) {
      return new Step(s, List.of(new LeaseEffect.Admit(r.queue(), me, r.read())));
    }
    if (rules.tryOnce()) {
      return withdraw(s, timedOut(rules, s));
    }
    List<LockNode> older = r.queue().nodes().stream().filter(n -> n.seq() < me.seq()).toList();
    boolean wakeUp = deletionGrants(rules, r.queue(), older);
    return new Step(
        s, List.of(new LeaseEffect.WatchBlocker(blockers, wakeUp ? older : List.of(), r.read())));
  }

  /**
   * Whether the deletions of its blockers alone can grant a waiting request, so that its wake-up
   * need not list the queue again (Curator's always does): then it watches every node older than
   * itself in {@code queue}, and is granted when the last of its blockers goes, if every blocker
   * went bare (no data change heard first) and no other older node changed. A request is kept
   * waiting only by older nodes (lower sequence) and by conversion nodes of older leases; the
   * listing was made after the request's own node, so it holds every older node still there, and
   * nodes created after it are newer, and so are their leases. Older nodes' modes never change, so
   * once the blockers are gone the request is compatible with every older node left, unless one of
   * them converts, or an older lease had a conversion under way. A conversion changes its held
   * node's data before it creates the new node, so {@code queue} must hold no conversion node (a
   * lease's first node is then its held node) and every older node's data must be untouched when
   * its watch is set; a change seen on any watched older node lists again. A value block write
   * changes the writer's node in the transaction that deletes it (which also makes this listing's
   * value block stale), so a blocker deleted bare wrote none, nor did a compatible older node that
   * did not change; no newer node can be granted a mode that writes one (PW or EX) while an
   * incompatible blocker of this request is there. A node found gone when its watch is set went in
   * an unknown way: that too lists again. A gated lock asks its recovery gate from a listing: it
   * always lists again. Behind more than {@link #WAKE_UP_WATCHES} older nodes, a request watches
   * only its nearest blocker and lists again when it goes, and may be armed from that listing:
   * otherwise every release would notify every waiter behind it, and a long queue would hold a
   * watch for each pair of its requests (eight threads of one member on one lock, all armed, sent
   * about 21 requests per cycle instead of 6 in bench workload 3).
   *
   * @param older the nodes older than the request in {@code queue}
   */
  static boolean deletionGrants(Rules rules, QueueSnapshot queue, List<LockNode> older) {
    if (rules.gated() || older.size() > WAKE_UP_WATCHES) {
      return false;
    }
    return queue.nodes().stream().noneMatch(LockNode::isConversion);
  }

  /**
   * The most older nodes that a waiting request watches to be woken without a listing: a holder and
   * two waiters, as when four members take turns on one lock.
   */
  static final int WAKE_UP_WATCHES = 3;

  /**
   * Queues the request again after its node went. A record at its old position (written by a grant
   * whose reply was lost) goes first: the lease never reached the caller, and left behind it would
   * gate this very request as a lost holder.
   */
  private static Step requeue(LeaseStatus s) {
    return new Step(s.phase(Phase.CREATING).node(null), List.of(new LeaseEffect.Create(s.node())));
  }

  private static Step admitted(LeaseStatus s, LeaseInput.Admitted a) {
    if (s.phase() != Phase.WAITING) {
      return Step.stay(s);
    }
    LeaseStatus granted =
        new LeaseStatus(
            Phase.GRANTED, s.node(), s.mode(), s.node().czxid(), a.value(), s.releaseAsked());
    // A listing that granted us left a watch on the queue, which also fires when our node is
    // deleted (a wake-up watched the node itself): no watch of its own is needed until then.
    List<LeaseEffect> effects =
        a.nodeWatched()
            ? List.of(new LeaseEffect.Grant(), new LeaseEffect.NotifyWaiters(true))
            : List.of(
                new LeaseEffect.WatchOwnNode(true),
                new LeaseEffect.Grant(),
                new LeaseEffect.NotifyWaiters(true));
    return new Step(granted, effects);
  }

  private static Step whenHeld(LeaseStatus s, LeaseEffect effect) {
    return s.phase().held() ? new Step(s, List.of(effect)) : Step.stay(s);
  }

  private static Step reconnected(LeaseStatus s, long session) {
    if (s.phase().held()) {
      return session != s.node().session()
          ? lose(s, "ZooKeeper session expired")
          : new Step(s, List.of(new LeaseEffect.CheckOwnNode()));
    }
    if (s.phase() == Phase.WAITING) {
      // The session that queued the request ended, and its node with it: queue again.
      return session != s.node().session()
          ? requeue(s)
          : new Step(s, List.of(new LeaseEffect.ReadQueue(null)));
    }
    return Step.stay(s);
  }

  /**
   * A read or a watch failed. A waiting request that may not wait, or whose read was refused (not
   * cut off), is withdrawn. A holder's read is the watch of its own node: refused, a deletion would
   * go unheard, so the lease may be lost and says so, then checks its node again, setting the watch
   * ({@link LeaseEffect.CheckOwnNode}): {@link LeaseInput.NodeChecked} makes it GRANTED again, a
   * check refused too LOST. Connection trouble is the connection listener's: it looks again once
   * the client is back.
   */
  private static Step readFailed(Rules rules, LeaseStatus s, QuorateException failure) {
    boolean cutOff = failure.code() == ErrorCode.CONNECTION_LOSS;
    if (s.phase() == Phase.WAITING) {
      return rules.tryOnce() || !cutOff ? withdraw(s, failure) : Step.stay(s);
    }
    if (s.phase() == Phase.GRANTED && !cutOff) {
      String cause = "cannot watch lock node " + s.node().path() + ": " + failure.getMessage();
      return new Step(
          s.phase(Phase.SUSPECT), List.of(suspected(cause), new LeaseEffect.CheckOwnNode()));
    }
    return Step.stay(s);
  }

  private static LeaseEffect suspected(String cause) {
    return new LeaseEffect.Emit(LeaseState.GRANTED, LeaseState.SUSPECT, cause);
  }

  /** The held node checked, and watched from then on if it exists. */
  private static Step nodeChecked(LeaseStatus s, boolean exists) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    if (!exists) {
      return lose(s, "lock node " + s.node().path() + " is gone");
    }
    List<LeaseEffect> rewatch =
        List.of(new LeaseEffect.NotifyWaiters(false), new LeaseEffect.EvaluateConversion());
    if (s.phase() == Phase.GRANTED) {
      return new Step(s, rewatch);
    }
    LeaseEffect back =
        new LeaseEffect.Emit(
            LeaseState.SUSPECT, LeaseState.GRANTED, "reconnected within the session");
    return new Step(s.phase(Phase.GRANTED), List.of(back, rewatch.get(0), rewatch.get(1)));
  }

  /** Withdraws a request that was not granted, telling its requester {@code failure} if given. */
  private static Step withdraw(LeaseStatus s, QuorateException failure) {
    if (s.phase() != Phase.CREATING && s.phase() != Phase.WAITING) {
      return Step.stay(s);
    }
    List<LeaseEffect> effects = new ArrayList<>(3);
    if (failure != null) {
      effects.add(new LeaseEffect.FailRequest(failure));
    }
    if (s.node() != null) {
      effects.add(new LeaseEffect.DeleteRequest(s.node()));
    }
    effects.add(new LeaseEffect.Forget());
    return new Step(s.phase(Phase.WITHDRAWN), List.copyOf(effects));
  }

  private static Step release(LeaseStatus s) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    return new Step(
        s.phase(Phase.RELEASED),
        List.of(
            new LeaseEffect.FailConversion(
                ErrorCode.LEASE_RELEASED, "was released while converting"),
            new LeaseEffect.Emit(s.seen(), LeaseState.RELEASED, "released by holder"),
            new LeaseEffect.Forget(),
            new LeaseEffect.EndHeld(LeaseEffect.End.RELEASED, s.node())));
  }

  private static Step lose(LeaseStatus s, String cause) {
    return end(s, LeaseEffect.End.LOST, ErrorCode.LEASE_LOST, "is lost", cause);
  }

  /** Ends a held lease as LOST, or as RELEASED if its holder let go first (as state() told it). */
  private static Step end(
      LeaseStatus s, LeaseEffect.End end, ErrorCode code, String why, String cause) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    if (s.releaseAsked()) {
      return release(s);
    }
    return new Step(
        s.phase(Phase.LOST),
        List.of(
            new LeaseEffect.FailConversion(code, why),
            new LeaseEffect.Emit(s.seen(), LeaseState.LOST, cause),
            new LeaseEffect.EndHeld(end, s.node()),
            new LeaseEffect.Forget()));
  }

  private static Step converted(LeaseStatus s, LeaseInput.Converted c) {
    if (!s.phase().held()) {
      return Step.stay(s);
    }
    if (c.node().equals(s.node())) {
      return new Step(
          s, List.of(new LeaseEffect.CompleteConversion(c.outcome()))); // to the mode it holds
    }
    boolean up = c.value() != null;
    LeaseStatus next =
        new LeaseStatus(
            s.phase(),
            c.node(),
            c.mode(),
            up ? c.node().czxid() : s.token(),
            up ? c.value() : s.value(),
            s.releaseAsked());
    // The new node is watched before the old one goes: its deletion is ours, not a loss.
    List<LeaseEffect> effects =
        up
            ? List.of(
                new LeaseEffect.WatchOwnNode(false),
                new LeaseEffect.RetireNode(s.node(), false),
                new LeaseEffect.NotifyWaiters(false),
                new LeaseEffect.CompleteConversion(c.outcome()))
            : List.of(
                new LeaseEffect.WatchOwnNode(false),
                new LeaseEffect.RetireNode(s.node(), true),
                new LeaseEffect.CompleteConversion(c.outcome()));
    return new Step(next, effects);
  }

  private static LockTimeoutException timedOut(Rules rules, LeaseStatus s) {
    return new LockTimeoutException(rules.resource(), s.mode(), Duration.ZERO);
  }

  private static QuorateException closed(Rules rules) {
    return new QuorateException(
        ErrorCode.CLOSED, "lock manager closed; request on '" + rules.resource() + "' failed");
  }
}
