package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDiskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a running engine's status for {@code /status} (JSON). */
final class StatusRender {
  private StatusRender() {}

  static Map<String, Object> map(QuorumDiskStatus s, int votes, long nowNanos) {
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
      o.put("state", d.state().name());
      o.put("renewed", d.renewed());
      o.put("latencyMicros", d.lastLatency().toNanos() / 1000);
      o.put("renewals", d.renewals());
      o.put("failures", d.failures());
      o.put("consecutiveFailures", d.consecutiveFailures());
      o.put(
          "lastSuccessAgoMillis",
          d.lastSuccessNanos().isPresent()
              ? (nowNanos - d.lastSuccessNanos().getAsLong()) / 1_000_000
              : null);
      o.put("lastError", d.lastError());
      disks.add(o);
    }
    m.put("disks", disks);
    return m;
  }
}
