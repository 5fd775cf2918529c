package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDiskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a running engine's status as JSON and as Prometheus text. */
final class StatusRender {
  private StatusRender() {}

  static Map<String, Object> map(QuorumDiskStatus s, int votes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node", s.nodeId());
    m.put("incarnation", s.incarnation());
    m.put("sequence", s.sequence());
    m.put("state", s.state().name());
    m.put("fenced", s.fenced());
    m.put("master", s.master().orElse(0));
    m.put("term", s.term());
    m.put("votes", s.master().isPresent() ? votes : 0);
    m.put("score", s.score());
    m.put("eligible", s.eligible());
    m.put("heartbeats", s.heartbeats());
    m.put("ownMisses", s.ownMisses());
    List<Object> nodes = new ArrayList<>();
    for (NodeStatus n : s.nodes()) {
      if (n.liveness() == NodeLiveness.UNKNOWN && n.incarnation() == 0) {
        continue;
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("node", n.nodeId());
      o.put("liveness", n.liveness().name());
      o.put("state", n.state().name());
      o.put("incarnation", n.incarnation());
      o.put("sequence", n.sequence());
      o.put("misses", n.misses());
      o.put("totalMisses", n.totalMisses());
      o.put("corruptReads", n.corruptReads());
      o.put("undeadWrites", n.undeadWrites());
      o.put("evicted", n.evicted());
      nodes.add(o);
    }
    m.put("nodes", nodes);
    List<Object> disks = new ArrayList<>();
    for (DiskHealth d : s.disks()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", d.name());
      o.put("renewed", d.renewed());
      o.put("latencyMicros", d.lastLatency().toNanos() / 1000);
      o.put("failures", d.failures());
      o.put("lastError", d.lastError());
      disks.add(o);
    }
    m.put("disks", disks);
    return m;
  }

  static String prometheus(QuorumDiskStatus s, int votes) {
    StringBuilder p = new StringBuilder();
    String self = "{node=\"" + s.nodeId() + "\"}";
    gauge(
        p,
        "qdisk_master",
        "node id of the recognised master, 0 for none",
        self,
        s.master().orElse(0));
    gauge(
        p,
        "qdisk_votes",
        "votes the disk gives to this node's partition",
        self,
        s.master().isPresent() ? votes : 0);
    gauge(p, "qdisk_term", "highest master term seen", self, s.term());
    gauge(p, "qdisk_fenced", "1 if this node fenced itself", self, s.fenced() ? 1 : 0);
    gauge(p, "qdisk_heartbeats_total", "heartbeats run", self, s.heartbeats());
    gauge(p, "qdisk_own_misses_total", "heartbeats without majority renewal", self, s.ownMisses());
    p.append("# HELP qdisk_peer_up 1 if the peer is UP\n# TYPE qdisk_peer_up gauge\n");
    for (NodeStatus n : s.nodes()) {
      if (n.incarnation() > 0) {
        p.append("qdisk_peer_up{peer=\"")
            .append(n.nodeId())
            .append("\",liveness=\"")
            .append(n.liveness())
            .append("\"} ")
            .append(n.liveness() == NodeLiveness.UP ? 1 : 0)
            .append('\n');
      }
    }
    p.append("# HELP qdisk_peer_misses_total heartbeats without a change of the peer\n");
    p.append("# TYPE qdisk_peer_misses_total counter\n");
    for (NodeStatus n : s.nodes()) {
      if (n.incarnation() > 0) {
        p.append("qdisk_peer_misses_total{peer=\"")
            .append(n.nodeId())
            .append("\"} ")
            .append(n.totalMisses())
            .append('\n');
      }
    }
    p.append("# HELP qdisk_io_latency_seconds last heartbeat I/O latency per disk\n");
    p.append("# TYPE qdisk_io_latency_seconds gauge\n");
    for (DiskHealth d : s.disks()) {
      p.append("qdisk_io_latency_seconds{disk=\"")
          .append(d.name())
          .append("\"} ")
          .append(d.lastLatency().toNanos() / 1e9)
          .append('\n');
    }
    return p.toString();
  }

  private static void gauge(StringBuilder p, String name, String help, String labels, long v) {
    p.append("# HELP ").append(name).append(' ').append(help).append('\n');
    p.append("# TYPE ")
        .append(name)
        .append(name.endsWith("_total") ? " counter" : " gauge")
        .append('\n');
    p.append(name).append(labels).append(' ').append(v).append('\n');
  }
}
