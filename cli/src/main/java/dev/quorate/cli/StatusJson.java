package dev.quorate.cli;

import static dev.quorate.lock.internal.json.Json.object;

import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.internal.json.Json;
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
    return Json.writeForPages(
        object(
            "schema", SCHEMA,
            "connect", s.connect(),
            "readAt", s.readAt().toString(),
            "health", s.health().name(),
            "exitCode", s.health().exitCode(),
            "clusters", s.clusters().stream().map(StatusJson::cluster).toList(),
            "hosts",
                s.hosts().stream()
                    .map(
                        h ->
                            object(
                                "name", h.name(),
                                "occupants",
                                    h.occupants().stream().map(StatusJson::member).toList()))
                    .toList(),
            "membership", s.membership().map(StatusJson::membership).orElse(null),
            "arbiter", s.arbiter().map(StatusJson::arbiter).orElse(null),
            "quorumDisk", s.quorumDisk().map(StatusJson::quorumDisk).orElse(null),
            "fences", s.fences().stream().map(e -> fence(e.cluster(), e.record())).toList(),
            "locks",
                object(
                    "path", s.locks().path(),
                    "resources", s.locks().resources(),
                    "held", s.locks().held(),
                    "waiting", s.locks().waiting(),
                    "shown", s.locks().shown().stream().map(LockViews::json).toList()),
            "elections",
                s.elections().stream().map(e -> LockViews.json(e.name(), e.leader())).toList(),
            "problems", s.problems()));
  }

  private static Map<String, Object> cluster(Status.ClusterState c) {
    List<String> partition =
        c.members().stream()
            .filter(Status.MemberState::inPartition)
            .map(Status.MemberState::name)
            .toList();
    return object(
        "name", c.name(),
        "health", c.health().name(),
        "why", c.why(),
        "quorum",
            object(
                "quorate", c.quorate(),
                "threshold", c.threshold(),
                "expectedVotes", c.expectedVotes(),
                "partitionVotes", c.partitionVotes(),
                "partition", partition),
        "members", c.members().stream().map(StatusJson::member).toList());
  }

  private static Map<String, Object> member(Status.MemberState o) {
    return object(
        "cluster", o.cluster(),
        "name", o.name(),
        "host", o.host(),
        "votes", o.votes(),
        "role", o.role(),
        "connected", o.connected(),
        "inPartition", o.inPartition());
  }

  private static Map<String, Object> membership(Status.MembershipState s) {
    return object(
        "path", s.path(),
        "health", s.health().name(),
        "members",
            s.members().stream()
                .map(
                    r ->
                        object(
                            "id", r.id(),
                            "votes", r.votes(),
                            "host", r.host(),
                            "incarnation", r.incarnation(),
                            "quorate", r.quorate()))
                .toList());
  }

  private static Map<String, Object> arbiter(Status.ArbiterState a) {
    return object(
        "path", a.path(),
        "votedPartition", a.votedPartition(),
        "tokenOwner", a.tokenOwner() == 0 ? null : a.tokenOwner(),
        "reports",
            a.reports().stream()
                .map(
                    r ->
                        object(
                            "member", r.member(),
                            "partition", r.partition(),
                            "score", r.score(),
                            "casting", r.casting()))
                .toList());
  }

  private static Map<String, Object> quorumDisk(Status.QuorumDiskState d) {
    return object(
        "path", d.path(),
        "cluster", d.cluster(),
        "master", d.master() == 0 ? null : d.master(),
        "tko", d.tko(),
        "slots",
            d.slots().stream()
                .map(
                    s ->
                        object(
                            "node", s.node(),
                            "state", s.state(),
                            "lastWritten", s.lastWritten(),
                            "heartbeating", s.heartbeating(),
                            "host", s.host(),
                            "term", s.term(),
                            "sequence", s.sequence()))
                .toList());
  }

  /**
   * One fence record, as its cluster's history holds it ({@link FenceRecord#toJson()}, the same
   * fields in the same order) after the cluster's name; also the element of {@code quorate fence
   * history --json}.
   *
   * @param cluster the history's cluster
   * @param r the record
   * @return the JSON object
   */
  static Map<String, Object> fence(String cluster, FenceRecord r) {
    Map<String, Object> fence = object("cluster", cluster);
    ((Map<?, ?>) Json.parse(r.toJson())).forEach((k, v) -> fence.put((String) k, v));
    return fence;
  }
}
