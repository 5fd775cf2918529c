package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.DiskHealth;
import dev.quorate.qdisk.NodeLiveness;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.QuorumDiskStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The daemon's {@code /metrics}, in the Prometheus text format and its conventions: base units
 * (seconds), counters ending in {@code _total}, and one fixed label set per family. The local node
 * carries no label (the scrape target names it); peers are labelled {@code node}, disks {@code
 * disk}. A state is a value (0 or 1), never a label, so a peer's series stays one series when it
 * goes DOWN.
 */
final class DaemonMetrics {
  private final int votes;
  private final LongSupplier nanoTime;
  private final Map<Integer, AtomicLong> restarts = new ConcurrentHashMap<>();

  DaemonMetrics(int votes, LongSupplier nanoTime) {
    this.votes = votes;
    this.nanoTime = nanoTime;
  }

  /** Counts what the status snapshot does not keep: the restarts (new incarnations) of peers. */
  void onEvent(QuorumDiskEvent e) {
    if (e.kind() == QuorumDiskEvent.Kind.NODE_RESTARTED) {
      restarts.computeIfAbsent(e.nodeId(), n -> new AtomicLong()).incrementAndGet();
    }
  }

  /** Renders {@code s} with the counts of events seen so far. */
  String scrape(QuorumDiskStatus s) {
    long now = nanoTime.getAsLong();
    Text t = new Text();
    t.family("qdisk_master_node", "gauge", "node id of the master this node recognises, 0 none");
    t.sample("qdisk_master_node", "", s.master().orElse(0));
    t.family("qdisk_votes", "gauge", "votes the disk gives this node's partition");
    t.sample("qdisk_votes", "", s.master().isPresent() ? votes : 0);
    t.family("qdisk_term", "gauge", "highest master term seen");
    t.sample("qdisk_term", "", s.term());
    t.family("qdisk_incarnation", "gauge", "this node's incarnation, raised on every start");
    t.sample("qdisk_incarnation", "", s.incarnation());
    t.family("qdisk_fenced", "gauge", "1 once this node has fenced itself");
    t.sample("qdisk_fenced", "", s.fenced() ? 1 : 0);
    t.family("qdisk_heartbeats_total", "counter", "heartbeats run");
    t.sample("qdisk_heartbeats_total", "", s.heartbeats());
    t.family("qdisk_renewals_total", "counter", "heartbeats that renewed on a majority of disks");
    t.sample("qdisk_renewals_total", "", s.heartbeats() - s.ownMisses());
    t.family(
        "qdisk_renewal_failures_total",
        "counter",
        "heartbeats that did not renew on a majority of disks");
    t.sample("qdisk_renewal_failures_total", "", s.ownMisses());

    t.family("qdisk_peer_up", "gauge", "1 if the peer heartbeats (UP), else 0");
    peers(s, t, "qdisk_peer_up", n -> n.liveness() == NodeLiveness.UP ? 1 : 0);
    t.family("qdisk_peer_incarnation", "gauge", "the peer's incarnation last seen");
    peers(s, t, "qdisk_peer_incarnation", NodeStatus::incarnation);
    t.family("qdisk_peer_restarts_total", "counter", "new incarnations of the peer seen");
    peers(
        s,
        t,
        "qdisk_peer_restarts_total",
        n -> restarts.getOrDefault(n.nodeId(), new AtomicLong()).get());
    t.family(
        "qdisk_peer_missed_heartbeats_total", "counter", "heartbeats without a change of the peer");
    peers(s, t, "qdisk_peer_missed_heartbeats_total", NodeStatus::totalMisses);
    t.family(
        "qdisk_peer_corrupt_reads_total", "counter", "reads of the peer's slot that failed checks");
    peers(s, t, "qdisk_peer_corrupt_reads_total", NodeStatus::corruptReads);
    t.family(
        "qdisk_peer_undead_writes_total",
        "counter",
        "writes by the peer after it was declared DOWN in the same incarnation");
    peers(s, t, "qdisk_peer_undead_writes_total", NodeStatus::undeadWrites);

    t.family("qdisk_disk_up", "gauge", "1 if the last heartbeat renewed on the disk, else 0");
    t.family("qdisk_disk_renewals_total", "counter", "heartbeats that renewed on the disk");
    t.family("qdisk_disk_failures_total", "counter", "heartbeats that failed on the disk");
    t.family(
        "qdisk_disk_consecutive_failures",
        "gauge",
        "failed heartbeats since the disk last renewed");
    t.family(
        "qdisk_disk_last_success_age_seconds",
        "gauge",
        "seconds since the disk last renewed (absent before its first renewal)");
    t.family("qdisk_disk_io_latency_seconds", "gauge", "the last heartbeat's I/O time on the disk");
    for (DiskHealth d : s.disks()) {
      String l = "disk=\"" + escape(d.name()) + "\"";
      t.sample("qdisk_disk_up", l, d.state() == DiskHealth.State.HEALTHY ? 1 : 0);
      t.sample("qdisk_disk_renewals_total", l, d.renewals());
      t.sample("qdisk_disk_failures_total", l, d.failures());
      t.sample("qdisk_disk_consecutive_failures", l, d.consecutiveFailures());
      if (d.lastSuccessNanos().isPresent()) {
        t.seconds("qdisk_disk_last_success_age_seconds", l, now - d.lastSuccessNanos().getAsLong());
      }
      t.seconds("qdisk_disk_io_latency_seconds", l, d.lastLatency().toNanos());
    }
    return t.toString();
  }

  private static void peers(
      QuorumDiskStatus s,
      Text t,
      String name,
      java.util.function.ToLongFunction<NodeStatus> value) {
    for (NodeStatus n : s.nodes()) {
      if (n.incarnation() > 0) {
        t.sample(name, "node=\"" + n.nodeId() + "\"", value.applyAsLong(n));
      }
    }
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** The exposition text: families in order, each HELP and TYPE once, then its samples. */
  private static final class Text {
    private final Map<String, StringBuilder> families = new java.util.LinkedHashMap<>();

    void family(String name, String type, String help) {
      families.put(
          name,
          new StringBuilder()
              .append("# HELP ")
              .append(name)
              .append(' ')
              .append(help)
              .append("\n# TYPE ")
              .append(name)
              .append(' ')
              .append(type)
              .append('\n'));
    }

    void sample(String name, String labels, long value) {
      line(name, labels, Long.toString(value));
    }

    void seconds(String name, String labels, long nanos) {
      line(name, labels, Double.toString(nanos / 1e9));
    }

    private void line(String name, String labels, String value) {
      StringBuilder b = families.get(name);
      b.append(name);
      if (!labels.isEmpty()) {
        b.append('{').append(labels).append('}');
      }
      b.append(' ').append(value).append('\n');
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder();
      families.values().forEach(out::append);
      return out.toString();
    }
  }
}
