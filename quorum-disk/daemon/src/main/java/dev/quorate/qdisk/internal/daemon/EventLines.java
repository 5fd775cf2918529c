package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.QuorumDiskEvent.Kind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.event.Level;

/**
 * The daemon's log line for each engine event: one line per change of state. A master's tenure
 * renewal (every beat) is not logged; a restart is logged once per incarnation, however often two
 * writers in one slot make it flip; undead writes once until the node is seen UP, restarted or
 * stopped again (the metrics count every one); no {@code term=} where the event has none.
 */
final class EventLines {
  /** A line and its level. */
  record Line(Level level, String text) {}

  private final Map<Integer, Set<String>> restartsLogged = new HashMap<>();
  private final Set<Integer> undeadLogged = new HashSet<>();

  /** Returns the line to log for {@code e}, or empty when it changes nothing an operator needs. */
  synchronized Optional<Line> line(QuorumDiskEvent e) {
    switch (e.kind()) {
      case TENURE -> {
        return Optional.empty();
      }
      case NODE_RESTARTED -> {
        if (!restartsLogged.computeIfAbsent(e.nodeId(), n -> new HashSet<>()).add(e.detail())) {
          return Optional.empty(); // two writers in one slot flip it back and forth
        }
        undeadLogged.remove(e.nodeId());
      }
      case UNDEAD_WRITE -> {
        if (!undeadLogged.add(e.nodeId())) {
          return Optional.empty();
        }
      }
      case NODE_UP, NODE_STOPPED -> undeadLogged.remove(e.nodeId());
      default -> {}
    }
    String term = e.term() == 0 ? "" : " term=" + e.term();
    return Optional.of(
        new Line(level(e.kind()), e.kind() + " node=" + e.nodeId() + term + ": " + e.detail()));
  }

  private static Level level(Kind kind) {
    return switch (kind) {
      case NODE_DOWN, NODE_RESTARTED, UNDEAD_WRITE, TENURE_ENDED, EVICTED, SELF_FENCE -> Level.WARN;
      default -> Level.INFO;
    };
  }
}
