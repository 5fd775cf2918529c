package dev.quorate.reliability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Checks a quorum-disk run offline: no two nodes held overlapping master tenures; an evicted
 * incarnation stops writing (no heartbeat of it seen on any disk later than one interval plus the
 * watcher's lag after the eviction reached a majority of disks, the round it may have had in
 * flight); a paused master fenced itself when it resumed. Pure, like {@link Checker}.
 */
final class QdiskChecker {
  static final long ALLOWANCE_NANOS =
      TimeUnit.MILLISECONDS.toNanos(QdiskCluster.INTERVAL_MILLIS + 250);

  /** A master tenure: one node in one term, from its first claim to the end of its last. */
  record Tenure(int node, long term, long from, long until) {}

  /**
   * What the check found.
   *
   * @param faults faults by type
   * @param recoveryMillis for PAUSE_MASTER and KILL_MASTER, fault to a new master
   * @param nodesLostToDiskFaults NODE_DOWN, EVICTED or SELF_FENCE events during a disk fault
   * @param tenures master tenures seen
   * @param evictions evictions seen
   * @param violations broken invariants, with evidence
   */
  record Result(
      Map<String, Integer> faults,
      Map<String, List<Long>> recoveryMillis,
      int nodesLostToDiskFaults,
      int tenures,
      int evictions,
      List<String> violations) {}

  private QdiskChecker() {}

  static Result check(
      Map<Integer, List<QdiskEvent>> events, List<SlotWrite> writes, List<QdiskFault> faults) {
    List<String> violations = new ArrayList<>();
    List<Tenure> tenures = tenures(events);
    for (int i = 0; i < tenures.size(); i++) {
      for (int j = i + 1; j < tenures.size(); j++) {
        Tenure a = tenures.get(i);
        Tenure b = tenures.get(j);
        if (a.node() != b.node() && a.from() < b.until() && b.from() < a.until()) {
          violations.add("master tenures overlap: " + a + " and " + b);
        }
      }
    }
    int evictions = 0;
    for (List<QdiskEvent> log : events.values()) {
      for (QdiskEvent e : log) {
        if (!e.kind().equals("EVICTED")) {
          continue;
        }
        evictions++;
        long incarnation = e.evictedIncarnation();
        for (SlotWrite w : writes) {
          if (w.node() == e.node()
              && w.incarnation() == incarnation
              && w.seenAt() > e.at() + ALLOWANCE_NANOS) {
            violations.add("evicted node wrote on: " + e + " then " + w.line());
            break;
          }
        }
      }
    }
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, List<Long>> recovery = new TreeMap<>();
    int lost = 0;
    for (int i = 0; i < faults.size(); i++) {
      QdiskFault f = faults.get(i);
      long next = i + 1 < faults.size() ? faults.get(i + 1).start() : Long.MAX_VALUE;
      counts.merge(f.type(), 1, Integer::sum);
      switch (f.type()) {
        case QdiskFault.PAUSE_MASTER, QdiskFault.KILL_MASTER -> {
          if (f.type().equals(QdiskFault.PAUSE_MASTER)
              && !f.outcome().equals("exit=" + QdiskCluster.SELF_FENCE_EXIT)) {
            violations.add("a paused master did not fence itself on resuming: " + f.line());
          }
          newMaster(events, f)
              .ifPresent(
                  at ->
                      recovery
                          .computeIfAbsent(f.type(), t -> new ArrayList<>())
                          .add(TimeUnit.NANOSECONDS.toMillis(at - f.start())));
        }
        default -> lost += lostDuring(events, f, next);
      }
    }
    return new Result(counts, recovery, lost, tenures.size(), evictions, List.copyOf(violations));
  }

  static List<Tenure> tenures(Map<Integer, List<QdiskEvent>> events) {
    Map<String, Tenure> merged = new HashMap<>();
    for (List<QdiskEvent> log : events.values()) {
      for (QdiskEvent e : log) {
        if (e.kind().equals("TENURE")) {
          merged.merge(
              e.node() + "/" + e.term(),
              new Tenure(e.node(), e.term(), e.at(), e.until()),
              (a, b) ->
                  new Tenure(
                      a.node(),
                      a.term(),
                      Math.min(a.from(), b.from()),
                      Math.max(a.until(), b.until())));
        }
      }
    }
    return new ArrayList<>(merged.values());
  }

  private static java.util.Optional<Long> newMaster(
      Map<Integer, List<QdiskEvent>> events, QdiskFault f) {
    long first = Long.MAX_VALUE;
    for (Map.Entry<Integer, List<QdiskEvent>> log : events.entrySet()) {
      if (log.getKey() == f.node()) {
        continue;
      }
      for (QdiskEvent e : log.getValue()) {
        if (e.kind().equals("MASTER_CHANGED")
            && e.at() > f.start()
            && e.node() != 0
            && e.node() != f.node()) {
          first = Math.min(first, e.at());
          break;
        }
      }
    }
    return first == Long.MAX_VALUE ? java.util.Optional.empty() : java.util.Optional.of(first);
  }

  /** Losses from the fault's start until two detection times after it, or the next fault. */
  private static int lostDuring(
      Map<Integer, List<QdiskEvent>> events, QdiskFault f, long nextFault) {
    long until =
        Math.min(
            nextFault,
            f.end()
                + TimeUnit.MILLISECONDS.toNanos(
                    QdiskCluster.INTERVAL_MILLIS * QdiskCluster.TKO * 2));
    int n = 0;
    for (List<QdiskEvent> log : events.values()) {
      for (QdiskEvent e : log) {
        boolean loss =
            e.kind().equals("NODE_DOWN")
                || e.kind().equals("EVICTED")
                || e.kind().equals("SELF_FENCE");
        if (loss && e.at() >= f.start() && e.at() <= until) {
          n++;
        }
      }
    }
    return n;
  }
}
