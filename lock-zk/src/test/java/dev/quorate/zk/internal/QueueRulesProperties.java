package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Model check of the queue rules: members create and delete nodes as {@link ZkLease} and {@link
 * ZkConversion} do, each deciding only when it evaluates (so decisions lag behind the list, as with
 * real watches), in random interleavings. Whatever the order, the modes that the owners believe
 * they hold are pairwise compatible.
 */
class QueueRulesProperties {
  enum Kind {
    REQUEST,
    EVALUATE,
    UP,
    DOWN,
    FINISH_SWITCH,
    RELEASE,
    CANCEL
  }

  record Action(Kind kind, int lease, LockMode mode) {}

  /** One member's view of its lease, and its nodes. */
  static final class Member {
    long position;
    String node;
    String pending; // a conversion node not yet granted
    String retiring; // the old node, still to be deleted after a conversion
    LockMode held; // null while the first request waits
    LockMode target;
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
            Tuple.of(1, Kind.CANCEL));
    Arbitrary<Action> action =
        Combinators.combine(
                kinds, Arbitraries.integers().between(0, 2), Arbitraries.of(LockMode.class))
            .as(Action::new);
    return action.list().ofMinSize(5).ofMaxSize(40);
  }

  @Property(tries = 5000)
  void ownersNeverBelieveTheyHoldIncompatibleModes(@ForAll("histories") List<Action> history) {
    Map<Long, String> children = new TreeMap<>();
    Member[] members = new Member[3];
    long[] seq = {0};
    for (Action action : history) {
      Member m = members[action.lease()];
      switch (action.kind()) {
        case REQUEST -> {
          if (m == null) {
            m = new Member();
            m.node = create(children, seq, LockNode.requestPrefix(action.mode()));
            m.position = seq[0];
            members[action.lease()] = m;
          }
        }
        case EVALUATE -> {
          if (m != null) {
            evaluate(m, new QueueSnapshot(children.values()), children);
          }
        }
        case UP -> {
          if (m != null
              && m.held != null
              && m.pending == null
              && m.retiring == null
              && !m.held.covers(action.mode())) {
            m.pending = create(children, seq, LockNode.conversionPrefix(action.mode(), m.position));
            m.target = action.mode();
          }
        }
        case DOWN -> {
          if (m != null
              && m.held != null
              && m.pending == null
              && m.retiring == null
              && m.held != action.mode()
              && m.held.covers(action.mode())) {
            String created =
                create(children, seq, LockNode.conversionPrefix(action.mode(), m.position));
            m.retiring = m.node;
            m.node = created;
            m.held = action.mode();
          }
        }
        case FINISH_SWITCH -> {
          if (m != null && m.retiring != null) {
            children.values().remove(m.retiring);
            m.retiring = null;
          }
        }
        case RELEASE -> {
          if (m != null && m.held != null) {
            children.values().remove(m.node);
            if (m.pending != null) {
              children.values().remove(m.pending);
            }
            if (m.retiring != null) {
              children.values().remove(m.retiring);
            }
            members[action.lease()] = null;
          }
        }
        case CANCEL -> {
          if (m != null && m.held == null) {
            children.values().remove(m.node);
            members[action.lease()] = null;
          } else if (m != null && m.pending != null) {
            children.values().remove(m.pending);
            m.pending = null;
          }
        }
      }
      assertCompatible(members, history);
    }
    drain(members, children, history);
  }

  /**
   * Liveness: when nobody asks for anything new, holders without a pending conversion release as
   * soon as they can, and everybody keeps evaluating, every request and conversion ends.
   */
  private static void drain(Member[] members, Map<Long, String> children, List<Action> history) {
    for (int round = 0; round < 50; round++) {
      boolean anyLeft = false;
      for (int i = 0; i < members.length; i++) {
        Member m = members[i];
        if (m == null) {
          continue;
        }
        anyLeft = true;
        if (m.retiring != null) {
          children.values().remove(m.retiring);
          m.retiring = null;
        }
        evaluate(m, new QueueSnapshot(children.values()), children);
        assertCompatible(members, history);
        if (m.held != null && m.pending == null && m.retiring == null) {
          children.values().remove(m.node);
          members[i] = null;
        }
      }
      if (!anyLeft) {
        return;
      }
    }
    assertThat(children.values()).as("requests stuck after %s", history).isEmpty();
  }

  @net.jqwik.api.Example
  void downConversionBesideAnUpConversion() {
    ownersNeverBelieveTheyHoldIncompatibleModes(
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

  private static void evaluate(Member m, QueueSnapshot queue, Map<Long, String> children) {
    if (m.held == null) {
      LockNode me = queue.find(m.node).orElseThrow();
      if (queue.blockers(me).isEmpty()) {
        m.held = me.mode();
      }
    } else if (m.pending != null && m.retiring == null) {
      LockNode conversion = queue.find(m.pending).orElseThrow();
      if (queue.deadlocks(conversion)) {
        children.values().remove(m.pending);
        m.pending = null;
      } else if (queue.blockers(conversion).isEmpty()) {
        m.retiring = m.node;
        m.node = m.pending;
        m.pending = null;
        m.held = m.target;
      }
    }
  }

  private static String create(Map<Long, String> children, long[] seq, String prefix) {
    seq[0]++;
    String name = prefix + String.format("%010d", seq[0]);
    children.put(seq[0], name);
    return name;
  }

  private static void assertCompatible(Member[] members, List<Action> history) {
    List<LockMode> held = new ArrayList<>();
    for (Member m : members) {
      if (m != null && m.held != null) {
        for (LockMode other : held) {
          assertThat(other.compatibleWith(m.held))
              .as("%s held beside %s after %s", m.held, other, history)
              .isTrue();
        }
        held.add(m.held);
      }
    }
  }
}
