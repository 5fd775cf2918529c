package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import dev.quorate.zk.internal.LeaseStatus.Phase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.data.Stat;

/**
 * Model check of the lease protocol: members' leases are driven by the real transition function
 * ({@link LeaseMachine#next}) and the real conversion rule ({@link ConversionRule#of}) over one
 * in-memory queue, in random interleavings. The test plays ZooKeeper and the lease's effects: it
 * creates and deletes the nodes the effects name. Each member decides only when it reads the queue,
 * so decisions lag behind the list, as with real watches. A request whose wait the machine says
 * ends with its blockers' deletions ({@link LeaseMachine#deletionGrants}) sets its watches on the
 * older nodes later (at a WAKE), and its real {@link ArmedWakeUp} hears their answers and events:
 * the last blocker's bare deletion wakes it, at any later time, unless a node older than it was
 * gone or changed when watched, or changed first (a conversion marks its old node before it creates
 * the new one). Whatever the order, the modes that the holders believe they hold are pairwise
 * compatible, and when nobody asks for more every request and conversion ends.
 */
class QueueRulesProperties {
  private static final LeaseMachine.Rules RULES = new LeaseMachine.Rules("r", false, false);
  private static final ZkReads.Value VALUE = new ZkReads.Value(ValueBlock.empty(), 0, 0);

  enum Kind {
    REQUEST,
    EVALUATE,
    UP,
    DOWN,
    FINISH_SWITCH,
    RELEASE,
    CANCEL,
    WAKE
  }

  record Action(Kind kind, int lease, LockMode mode) {}

  /** One member's lease and what the conversion and the effects left for the test to do. */
  static final class Member {
    LeaseStatus state;
    ZkNodes.Created pending; // a conversion node not yet granted (the conversion's own)
    LockMode target;
    ZkNodes.Created retiring; // the old node, still to be deleted after a conversion
    LeaseEffect.WatchBlocker toArm; // a wake-up asked for, its watches not set yet
    ZkNodes.Created wakeFor; // the request's node when the wake-up was asked for
    ArmedWakeUp armed; // the real wake-up, fed the answers and events of its watches
    final Set<String> watching = new HashSet<>(); // nodes whose watch has not fired yet
    final Set<String> changedBefore = new HashSet<>(); // changed before their watch was set
    final List<ZkNodes.Created> woken = new ArrayList<>(); // wake-ups heard, not yet applied
  }

  /** The queue: ZooKeeper's children of one container, by sequence. */
  static final class Queue {
    final Map<Long, String> children = new TreeMap<>();
    final Set<String> changed = new HashSet<>(); // nodes whose data a conversion changed
    long seq;

    ZkNodes.Created create(String prefix) {
      seq++;
      String name = prefix + String.format("%010d", seq);
      children.put(seq, name);
      return new ZkNodes.Created("/r/" + name, seq, 1);
    }

    void delete(ZkNodes.Created node) {
      if (node != null) {
        children.values().remove(node.name());
      }
    }

    QueueSnapshot snapshot() {
      return new QueueSnapshot(List.copyOf(children.values()));
    }
  }

  @Provide
  Arbitrary<List<Action>> histories() {
    // Weighted so that histories reach grants, conversions and their clean-up often.
    Arbitrary<Kind> kinds =
        Arbitraries.frequency(
            Tuple.of(3, Kind.REQUEST),
            Tuple.of(6, Kind.EVALUATE),
            Tuple.of(2, Kind.UP),
            Tuple.of(2, Kind.DOWN),
            Tuple.of(2, Kind.FINISH_SWITCH),
            Tuple.of(1, Kind.RELEASE),
            Tuple.of(1, Kind.CANCEL),
            Tuple.of(3, Kind.WAKE));
    Arbitrary<Action> action =
        Combinators.combine(
                kinds, Arbitraries.integers().between(0, 2), Arbitraries.of(LockMode.class))
            .as(Action::new);
    return action.list().ofMinSize(5).ofMaxSize(40);
  }

  @Property(tries = 5000)
  void holdersNeverBelieveTheyHoldIncompatibleModes(@ForAll("histories") List<Action> history) {
    Queue queue = new Queue();
    Member[] members = new Member[3];
    for (Action action : history) {
      Member m = members[action.lease()];
      switch (action.kind()) {
        case REQUEST -> {
          if (m == null) {
            m = new Member();
            m.state = LeaseStatus.requesting(action.mode());
            ZkNodes.Created node = queue.create(LockNode.requestPrefix(action.mode()));
            apply(m, new LeaseInput.Created(node, null), queue);
            members[action.lease()] = m;
          }
        }
        case EVALUATE -> {
          if (m != null) {
            evaluate(m, queue);
          }
        }
        case UP, DOWN -> {
          if (m != null && m.retiring == null && m.pending == null) {
            boolean up = action.kind() == Kind.UP;
            if (m.state.phase().held() && up != m.state.mode().covers(action.mode())) {
              apply(
                  m,
                  new LeaseInput.ConversionAsked(action.mode(), false, new ZkConversion.Outcome()),
                  queue);
            }
          }
        }
        case FINISH_SWITCH -> {
          if (m != null && m.retiring != null) {
            queue.delete(m.retiring);
            m.retiring = null;
          }
        }
        case RELEASE -> {
          if (m != null && m.state.phase().held()) {
            apply(m, new LeaseInput.Release(), queue);
            members[action.lease()] = null;
          }
        }
        case CANCEL -> {
          if (m != null && !m.state.phase().held()) {
            apply(m, new LeaseInput.Withdraw(null), queue);
            members[action.lease()] = null;
          } else if (m != null && m.pending != null) {
            queue.delete(m.pending); // ZkConversion.cancel: the lease keeps its mode
            m.pending = null;
          }
        }
        case WAKE -> {
          if (m != null && m.toArm != null) {
            setWatches(m, queue);
          } else if (m != null && !m.woken.isEmpty()) {
            apply(m, new LeaseInput.BlockerDeleted(m.woken.remove(0), VALUE), queue);
          }
        }
      }
      hearWatches(members, queue);
      assertCompatible(members, history);
    }
    drain(members, queue, history);
  }

  /**
   * Liveness: when nobody asks for anything new, holders without a pending conversion release as
   * soon as they can, and everybody keeps evaluating, every request and conversion ends.
   */
  private static void drain(Member[] members, Queue queue, List<Action> history) {
    for (int round = 0; round < 50; round++) {
      boolean anyLeft = false;
      for (int i = 0; i < members.length; i++) {
        Member m = members[i];
        if (m == null) {
          continue;
        }
        anyLeft = true;
        if (m.retiring != null) {
          queue.delete(m.retiring);
          m.retiring = null;
        }
        if (m.toArm != null) {
          setWatches(m, queue);
        }
        hearWatches(members, queue);
        while (!m.woken.isEmpty()) {
          apply(m, new LeaseInput.BlockerDeleted(m.woken.remove(0), VALUE), queue);
          assertCompatible(members, history);
        }
        evaluate(m, queue);
        assertCompatible(members, history);
        if (m.state.phase().held() && m.pending == null) {
          apply(m, new LeaseInput.Release(), queue);
          assertThat(m.state.phase()).isEqualTo(Phase.RELEASED);
          members[i] = null;
        }
      }
      if (!anyLeft) {
        break;
      }
    }
    assertThat(queue.children.values()).as("requests stuck after %s", history).isEmpty();
  }

  @Example
  void downConversionBesideAnUpConversion() {
    holdersNeverBelieveTheyHoldIncompatibleModes(
        List.of(
            new Action(Kind.REQUEST, 0, LockMode.CR),
            new Action(Kind.EVALUATE, 0, LockMode.NL),
            new Action(Kind.REQUEST, 1, LockMode.PW),
            new Action(Kind.EVALUATE, 1, LockMode.NL),
            new Action(Kind.UP, 0, LockMode.EX),
            new Action(Kind.EVALUATE, 0, LockMode.NL),
            new Action(Kind.DOWN, 1, LockMode.PR),
            new Action(Kind.FINISH_SWITCH, 1, LockMode.NL),
            new Action(Kind.EVALUATE, 0, LockMode.NL)));
  }

  /**
   * The member's wake-up watches are set now, some time after the listing that asked for them: each
   * answers with its node's data version, or that it is gone.
   */
  private static void setWatches(Member m, Queue queue) {
    LeaseEffect.WatchBlocker w = m.toArm;
    m.toArm = null;
    m.armed =
        new ArmedWakeUp(
            m.wakeFor, VALUE, names(w.older()), ArmedWakeUp.blockingBits(w.older(), w.blockers()));
    m.watching.clear();
    m.changedBefore.clear();
    for (String name : names(w.older())) {
      Stat stat = null;
      if (queue.children.containsValue(name)) {
        stat = new Stat();
        if (queue.changed.contains(name)) {
          stat.setVersion(1);
          m.changedBefore.add(name);
        }
        m.watching.add(name);
      }
      hear(m, m.armed.answered(stat, null));
    }
  }

  /**
   * The wake-up watches fire, each once: on its node's data change (a conversion's mark) or its
   * deletion. The wake-up that a deletion grants is heard now and applied at a later WAKE; a
   * listing it asks for is left to a later EVALUATE.
   */
  private static void hearWatches(Member[] members, Queue queue) {
    for (Member m : members) {
      if (m == null || m.armed == null) {
        continue;
      }
      for (String name : List.copyOf(m.watching)) {
        boolean changed = queue.changed.contains(name) && !m.changedBefore.contains(name);
        if (changed || !queue.children.containsValue(name)) {
          m.watching.remove(name);
          EventType type = changed ? EventType.NodeDataChanged : EventType.NodeDeleted;
          hear(m, m.armed.changed(type, name));
        }
      }
    }
  }

  private static void hear(Member m, LeaseInput posted) {
    if (posted instanceof LeaseInput.BlockerDeleted d) {
      m.woken.add(d.node());
    }
  }

  /** A member reads the queue: its request, or its pending conversion, is decided from it. */
  private static void evaluate(Member m, Queue queue) {
    QueueSnapshot snapshot = queue.snapshot();
    if (!m.state.phase().held()) {
      apply(m, new LeaseInput.QueueRead(snapshot, null, m.state.node()), queue);
    } else if (m.pending != null && m.retiring == null) {
      switch (ConversionRule.of(snapshot, m.pending.name())) {
        case DEADLOCK, VANISHED -> {
          queue.delete(m.pending); // ZkConversion.fail: the lease keeps its mode
          m.pending = null;
        }
        case GRANT -> {
          ZkNodes.Created granted = m.pending;
          m.pending = null;
          apply(
              m,
              new LeaseInput.Converted(granted, m.target, VALUE, new ZkConversion.Outcome()),
              queue);
        }
        case WAIT -> {}
      }
    }
  }

  /**
   * Applies {@code event} with the real transition function and plays its effects' ZooKeeper part.
   */
  private static void apply(Member m, LeaseInput event, Queue queue) {
    LeaseMachine.Step step = LeaseMachine.next(RULES, m.state, event);
    m.state = step.state();
    for (LeaseEffect effect : step.effects()) {
      if (effect instanceof LeaseEffect.Admit || effect instanceof LeaseEffect.Wake) {
        apply(m, new LeaseInput.Admitted(VALUE, true), queue); // an ungated lock admits at once
      } else if (effect instanceof LeaseEffect.WatchBlocker w) {
        m.armed = null; // a listing replaces the wake-up armed before it
        m.toArm = w.deletionGrants() ? w : null;
        m.wakeFor = m.state.node();
      } else if (effect instanceof LeaseEffect.BeginConversion b && b.to() == m.state.mode()) {
        apply(m, new LeaseInput.Converted(m.state.node(), b.to(), null, b.outcome()), queue);
      } else if (effect instanceof LeaseEffect.BeginConversion b) {
        String prefix =
            LockNode.conversionPrefix(
                b.to(), LockNode.parse(m.state.node().name()).orElseThrow().position());
        queue.changed.add(m.state.node().name()); // ZkConversion: the held node's data first
        ZkNodes.Created node = queue.create(prefix);
        if (m.state.mode().covers(b.to())) {
          apply(m, new LeaseInput.Converted(node, b.to(), null, b.outcome()), queue);
        } else {
          m.pending = node;
          m.target = b.to();
        }
      } else if (effect instanceof LeaseEffect.RetireNode r) {
        m.retiring = r.old(); // deleted later: others may read the queue in between
      } else if (effect instanceof LeaseEffect.DeleteRequest d) {
        queue.delete(d.node());
      } else if (effect instanceof LeaseEffect.EndHeld e) {
        queue.delete(e.node());
        queue.delete(m.retiring);
        queue.delete(m.pending); // a pending conversion fails with the lease
        m.retiring = null;
        m.pending = null;
      }
    }
  }

  private static List<String> names(List<LockNode> nodes) {
    return nodes.stream().map(LockNode::name).toList();
  }

  private static void assertCompatible(Member[] members, List<Action> history) {
    List<LockMode> held = new ArrayList<>();
    for (Member m : members) {
      if (m != null && m.state.phase().held()) {
        for (LockMode other : held) {
          assertThat(other.compatibleWith(m.state.mode()))
              .as("%s held beside %s after %s", m.state.mode(), other, history)
              .isTrue();
        }
        held.add(m.state.mode());
      }
    }
  }
}
