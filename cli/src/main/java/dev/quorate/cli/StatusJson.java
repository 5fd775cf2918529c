package dev.quorate.cli;

import dev.quorate.fence.FenceRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} form of {@link Status}, schema {@value #SCHEMA} (docs/cli.md describes every
 * field). Fields are only ever added within one schema version.
 */
final class StatusJson {
  static final String SCHEMA = "quorate-status/1";

  private StatusJson() {}

  static String write(Status s) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schema", SCHEMA);
    root.put("connect", s.connect());
    root.put("readAt", s.readAt().toString());
    root.put("health", s.health().name());
    root.put("exitCode", s.health().exitCode());
    root.put("clusters", s.clusters().stream().map(StatusJson::cluster).toList());
    root.put(
        "hosts",
        s.hosts().stream()
            .map(
                h -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("name", h.name());
                  m.put("occupants", h.occupants().stream().map(StatusJson::member).toList());
                  return m;
                })
            .toList());
    root.put("membership", s.membership().map(StatusJson::membership).orElse(null));
    root.put("arbiter", s.arbiter().map(StatusJson::arbiter).orElse(null));
    root.put("quorumDisk", s.quorumDisk().map(StatusJson::quorumDisk).orElse(null));
    root.put("fences", s.fences().stream().map(e -> fence(e.cluster(), e.record())).toList());
    root.put("problems", s.problems());
    return Json.write(root);
  }

  private static Map<String, Object> cluster(Status.ClusterState c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("health", c.health().name());
    m.put("why", c.why());
    Map<String, Object> quorum = new LinkedHashMap<>();
    quorum.put("quorate", c.quorate());
    quorum.put("threshold", c.threshold());
    quorum.put("expectedVotes", c.expectedVotes());
    quorum.put("partitionVotes", c.partitionVotes());
    quorum.put(
        "partition",
        c.members().stream()
            .filter(Status.MemberState::inPartition)
            .map(Status.MemberState::name)
            .toList());
    m.put("quorum", quorum);
    m.put("members", c.members().stream().map(StatusJson::member).toList());
    return m;
  }

  private static Map<String, Object> member(Status.MemberState o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", o.cluster());
    m.put("name", o.name());
    m.put("host", o.host());
    m.put("votes", o.votes());
    m.put("role", o.role());
    m.put("connected", o.connected());
    m.put("inPartition", o.inPartition());
    return m;
  }

  private static Map<String, Object> membership(Status.MembershipState s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", s.path());
    m.put("health", s.health().name());
    m.put(
        "members",
        s.members().stream()
            .map(
                r -> {
                  Map<String, Object> e = new LinkedHashMap<>();
                  e.put("id", r.id());
                  e.put("votes", r.votes());
                  e.put("host", r.host());
                  e.put("incarnation", r.incarnation());
                  e.put("quorate", r.quorate());
                  return e;
                })
            .toList());
    return m;
  }

  private static Map<String, Object> arbiter(Status.ArbiterState a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", a.path());
    m.put("votedPartition", a.votedPartition());
    m.put("tokenOwner", a.tokenOwner() == 0 ? null : a.tokenOwner());
    m.put(
        "reports",
        a.reports().stream()
            .map(
                r -> {
                  Map<String, Object> e = new LinkedHashMap<>();
                  e.put("member", r.member());
                  e.put("partition", r.partition());
                  e.put("score", r.score());
                  e.put("casting", r.casting());
                  return e;
                })
            .toList());
    return m;
  }

  private static Map<String, Object> quorumDisk(Status.QuorumDiskState d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", d.path());
    m.put("cluster", d.cluster());
    m.put("master", d.master() == 0 ? null : d.master());
    m.put(
        "slots",
        d.slots().stream()
            .map(
                s -> {
                  Map<String, Object> e = new LinkedHashMap<>();
                  e.put("node", s.node());
                  e.put("state", s.state());
                  e.put("host", s.host());
                  e.put("term", s.term());
                  e.put("sequence", s.sequence());
                  return e;
                })
            .toList());
    return m;
  }

  /**
   * One fence record; also the element of {@code quorate fence history --json}.
   *
   * @param cluster the history's cluster
   * @param r the record
   * @return the JSON object
   */
  static Map<String, Object> fence(String cluster, FenceRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", cluster);
    m.put("requestedAt", r.requestedAt().toString());
    m.put("finishedAt", r.finishedAt().toString());
    m.put("requester", r.requester());
    m.put("target", r.target());
    m.put("action", r.action().protocolName());
    m.put("level", r.level());
    m.put("devices", List.copyOf(r.devices()));
    m.put("status", r.status().name());
    m.put("reason", r.reason().name());
    m.put("explanation", r.explanation());
    return m;
  }
}
