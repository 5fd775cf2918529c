package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.DiskSnapshot;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code status} concludes from two reads of every disk, one and a half intervals apart: the
 * daemons' own "the sequence changed" test, from outside. A pure function of what was read, so a
 * table of cases can check it.
 *
 * <p>A node heartbeats when its slot moved on a majority of the disks. Only a heartbeating node
 * that claims MASTER is the master (the one with the highest term): a killed master's slot still
 * says MASTER, and reporting it would show two masters after every failover.
 *
 * @param cluster the cluster named by the disks' headers
 * @param disks each configured disk and what reading it found
 * @param nodes every node whose slot was ever written
 * @param master the master, 0 for none
 * @param health the verdict, which is also the exit code
 */
record ClusterView(
    String cluster, List<DiskRow> disks, List<NodeRow> nodes, int master, Health health) {

  /** The verdict of {@code status}, in the order of its exit codes. */
  enum Health {
    /** Every disk readable, a master heartbeats, no running node has gone silent. */
    HEALTHY,
    /** The cluster has its disk vote, but a disk is unreadable or a running node is silent. */
    DEGRADED,
    /** No master heartbeats on a majority of disks: no partition holds the disk's vote. */
    NO_VOTE;

    int exitCode() {
      return ordinal();
    }
  }

  /**
   * One disk.
   *
   * @param name the device
   * @param problem why it could not be used, empty when both reads succeeded
   */
  record DiskRow(String name, Optional<String> problem) {}

  /**
   * One node, from its newest slot on any disk.
   *
   * @param node the node id
   * @param slot its newest slot (highest incarnation, then sequence)
   * @param heartbeating whether its slot moved on a majority of the disks
   */
  record NodeRow(int node, HeartbeatSlot slot, boolean heartbeating) {
    /** The state to show: a silent node is DOWN whatever its slot last said. */
    String shownState() {
      if (heartbeating || slot.state() == SlotState.STOPPED) {
        return slot.state().name();
      }
      return "DOWN";
    }
  }

  /**
   * Judges two reads of every disk; a disk whose read failed has an empty snapshot and a problem.
   *
   * @param names the disks, in configuration order
   * @param first the first read of each disk
   * @param second the second read of each disk
   * @param problems why a disk's read failed, empty where it succeeded
   */
  static ClusterView judge(
      List<String> names,
      List<Optional<DiskSnapshot>> first,
      List<Optional<DiskSnapshot>> second,
      List<Optional<String>> problems) {
    int majority = names.size() / 2 + 1;
    List<DiskRow> disks = new ArrayList<>();
    String cluster = "";
    int readable = 0;
    for (int d = 0; d < names.size(); d++) {
      boolean ok = first.get(d).isPresent() && second.get(d).isPresent();
      disks.add(new DiskRow(names.get(d), ok ? Optional.empty() : problems.get(d)));
      if (ok) {
        readable++;
        cluster = second.get(d).get().header().clusterName();
      }
    }
    Map<Integer, HeartbeatSlot> newest = new TreeMap<>();
    Map<Integer, Integer> moved = new TreeMap<>();
    for (int d = 0; d < names.size(); d++) {
      if (first.get(d).isEmpty() || second.get(d).isEmpty()) {
        continue;
      }
      DiskSnapshot a = first.get(d).get();
      for (HeartbeatSlot b : second.get(d).get().slots().values()) {
        if (b.state() == SlotState.EMPTY) {
          continue;
        }
        newest.merge(b.nodeId(), b, ClusterView::newer);
        HeartbeatSlot before = a.slot(b.nodeId()).orElse(null);
        if (before == null
            || before.incarnation() != b.incarnation()
            || before.sequence() != b.sequence()) {
          moved.merge(b.nodeId(), 1, Integer::sum);
        }
      }
    }
    List<NodeRow> nodes = new ArrayList<>();
    NodeRow master = null;
    for (HeartbeatSlot s : newest.values()) {
      NodeRow row = new NodeRow(s.nodeId(), s, moved.getOrDefault(s.nodeId(), 0) >= majority);
      nodes.add(row);
      if (row.heartbeating()
          && s.state() == SlotState.MASTER
          && (master == null || s.term() > master.slot().term())) {
        master = row;
      }
    }
    boolean silentMember =
        nodes.stream().anyMatch(n -> !n.heartbeating() && n.slot().state() != SlotState.STOPPED);
    Health health;
    if (master == null || readable < majority) {
      health = Health.NO_VOTE;
    } else if (readable < names.size() || silentMember) {
      health = Health.DEGRADED;
    } else {
      health = Health.HEALTHY;
    }
    return new ClusterView(cluster, disks, nodes, master == null ? 0 : master.node(), health);
  }

  private static HeartbeatSlot newer(HeartbeatSlot a, HeartbeatSlot b) {
    if (a.incarnation() != b.incarnation()) {
      return a.incarnation() > b.incarnation() ? a : b;
    }
    return a.sequence() >= b.sequence() ? a : b;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", cluster);
    m.put("health", health.name());
    m.put("master", master);
    List<Object> ds = new ArrayList<>();
    for (DiskRow d : disks) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", d.name());
      o.put("readable", d.problem().isEmpty());
      o.put("problem", d.problem().orElse(""));
      ds.add(o);
    }
    m.put("disks", ds);
    List<Object> ns = new ArrayList<>();
    for (NodeRow n : nodes) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("node", n.node());
      o.put("state", n.shownState());
      o.put("lastWritten", n.slot().state().name());
      o.put("heartbeating", n.heartbeating());
      o.put("incarnation", n.slot().incarnation());
      o.put("sequence", n.slot().sequence());
      o.put("term", n.slot().term());
      ns.add(o);
    }
    m.put("nodes", ns);
    return m;
  }

  String toText() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("cluster %s on %d disk(s)%n", cluster, disks.size()));
    for (DiskRow d : disks) {
      out.append(
          String.format(
              "  disk %s: %s%n", d.name(), d.problem().map(p -> "FAILED: " + p).orElse("ok")));
    }
    for (NodeRow n : nodes) {
      String note =
          n.heartbeating() || n.slot().state() == SlotState.STOPPED
              ? ""
              : "  (last wrote " + n.slot().state() + ")";
      out.append(
          String.format(
              "  node %-3d %-7s %-12s incarnation %d, term %d%s%n",
              n.node(),
              n.shownState(),
              n.heartbeating() ? "heartbeating" : "silent",
              n.slot().incarnation(),
              n.slot().term(),
              note));
    }
    out.append(String.format("master: %s%n", master == 0 ? "none" : "node " + master));
    out.append(String.format("health: %s (exit %d)%n", health, health.exitCode()));
    return out.toString();
  }
}
