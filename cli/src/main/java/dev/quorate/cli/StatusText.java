package dev.quorate.cli;

import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.LockInspection;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/** {@code quorate status} as one screen, like crm_mon's: health first, then what explains it. */
final class StatusText {
  private StatusText() {}

  static void print(Status s, PrintWriter out) {
    out.printf(
        "Quorate status of %s at %s: %s (exit %d)%n",
        s.connect(), s.readAt().truncatedTo(ChronoUnit.SECONDS), s.health(), s.health().exitCode());
    for (Status.ClusterState c : s.clusters()) {
      out.printf("%nCluster %s: %s%n  %s%n", c.name(), c.health(), c.why());
      for (Status.MemberState m : c.members()) {
        out.printf(
            "  %-16s on %-12s %d %-6s %-8s %-10s %s%n",
            m.name(),
            m.host(),
            m.votes(),
            m.votes() == 1 ? "vote" : "votes",
            m.role(),
            m.connected() ? "connected" : "DOWN",
            m.inPartition()
                ? "in partition"
                : m.connected() && c.quorate() ? "OUTSIDE partition" : "");
      }
    }
    if (!s.hosts().isEmpty()) {
      out.printf("%nHosts:%n");
      for (Status.HostBox h : s.hosts()) {
        out.printf(
            "  %-12s %s%n",
            h.name(),
            h.occupants().stream()
                .map(m -> m.cluster() + "/" + m.name() + (m.connected() ? " (up)" : " (DOWN)"))
                .collect(Collectors.joining(", ")));
      }
    }
    s.membership().ifPresent(m -> membership(m, out));
    s.arbiter().ifPresent(a -> arbiter(a, out));
    s.quorumDisk().ifPresent(d -> quorumDisk(d, out));
    out.printf("%nRecent fences (oldest first):%n");
    if (s.fences().isEmpty()) {
      out.printf("  none recorded%n");
    }
    for (Status.FenceEntry e : s.fences()) {
      out.printf("  %s%n", fence(e.cluster(), e.record()));
    }
    locks(s, out);
    if (!s.problems().isEmpty()) {
      out.printf("%nProblems:%n");
      s.problems().forEach(p -> out.printf("  %s%n", p));
    }
    out.flush();
  }

  private static void locks(Status s, PrintWriter out) {
    Status.LockState l = s.locks();
    out.printf(
        "%nLocks under %s: %d held, %d waiting, on %d resources%s%n",
        l.path(),
        l.held(),
        l.waiting(),
        l.resources(),
        l.resources() > l.shown().size() ? " (first " + l.shown().size() + " shown)" : "");
    for (LockInspection seen : l.shown()) {
      java.io.StringWriter one = new java.io.StringWriter();
      LockViews.print(
          new LockInspection(seen.resource(), seen.holders(), seen.queue(), List.of()),
          new PrintWriter(one));
      one.toString().lines().forEach(line -> out.printf("  %s%n", line));
    }
    out.printf("%nElections:%n");
    if (s.elections().isEmpty()) {
      out.printf("  none%n");
    }
    s.elections().forEach(e -> out.printf("  %s%n", LockViews.leader(e.name(), e.leader())));
  }

  /**
   * One fence record in one line; also {@code quorate fence history}'s line.
   *
   * @param cluster the history's cluster
   * @param r the record
   * @return the line
   */
  static String fence(String cluster, FenceRecord r) {
    return r.requestedAt().truncatedTo(ChronoUnit.SECONDS)
        + " "
        + cluster
        + ": "
        + r.action().protocolName()
        + " "
        + r.target()
        + " by "
        + r.requester()
        + ": "
        + r.status()
        + " "
        + r.reason()
        + (r.level() > 0 ? " (level " + r.level() + ", " + String.join("+", r.devices()) + ")" : "")
        + " - "
        + r.explanation();
  }

  private static void membership(Status.MembershipState m, PrintWriter out) {
    out.printf("%nMembership (%s): %d registered, %s%n", m.path(), m.members().size(), m.health());
    for (Status.Registered r : m.members()) {
      out.printf(
          "  member %-4d on %-12s %d %-6s incarnation %d, %s%n",
          r.id(),
          r.host(),
          r.votes(),
          r.votes() == 1 ? "vote" : "votes",
          r.incarnation(),
          r.quorate() ? "quorate" : "NOT quorate");
    }
  }

  private static void arbiter(Status.ArbiterState a, PrintWriter out) {
    out.printf(
        "%nArbiter (%s): %s%n",
        a.path(),
        a.votedPartition().isEmpty()
            ? "its vote is held by nobody"
            : "votes for partition "
                + ids(a.votedPartition())
                + " (token held by member "
                + a.tokenOwner()
                + ")");
    for (Status.ArbiterEntry r : a.reports()) {
      out.printf(
          "  member %-4d sees %s, score %d%s%n",
          r.member(), ids(r.partition()), r.score(), r.casting() ? ", counts the vote" : "");
    }
  }

  private static void quorumDisk(Status.QuorumDiskState d, PrintWriter out) {
    out.printf(
        "%nQuorum disk %s (cluster %s): %s%n",
        d.path(), d.cluster(), d.master() == 0 ? "no master" : "master node " + d.master());
    for (Status.DiskSlot s : d.slots()) {
      out.printf(
          "  node %-4d %-8s term %-4d sequence %-8d %s%s%n",
          s.node(),
          s.state(),
          s.term(),
          s.sequence(),
          s.host(),
          s.state().equals(s.lastWritten())
              ? ""
              : "  (silent for " + d.tko() + " intervals; last wrote " + s.lastWritten() + ")");
    }
  }

  private static String ids(List<Integer> ids) {
    return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
