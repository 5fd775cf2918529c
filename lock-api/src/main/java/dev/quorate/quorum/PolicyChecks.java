package dev.quorate.quorum;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.Set;

/**
 * The configuration-time refusals of {@link QuorumPolicy.Builder}. votequorum disables an option
 * (with a log line) for some of these; Quorate refuses instead, because a silently disabled safety
 * option is found only in the split it was meant to survive.
 */
final class PolicyChecks {
  private static final Duration MAX_WINDOW = Duration.ofDays(1);

  private PolicyChecks() {}

  static void check(QuorumPolicy.Builder b, boolean waitForAll, Set<String> sources) {
    Topology topology = b.topology();
    TieBreaker tieBreaker = b.tieBreaker();
    boolean hasSources = !sources.isEmpty();
    if (b.twoNode()) {
      checkTwoNode(b, topology, tieBreaker, hasSources);
    }
    if (b.lastManStanding()) {
      checkLastManStanding(b, topology, hasSources);
    }
    if (tieBreaker != null) {
      if (hasSources) {
        throw new ConfigurationException(
            "quorum.auto_tie_breaker: true together with vote sources "
                + sources
                + " is refused; both decide ties: use one of them");
      }
      tieBreaker.validate(topology);
      int expected = topology.totalVotes() + b.sourceVotes();
      if (expected % 2 == 1 && !waitForAll) {
        // A rebooted half+1 without the tie-breaker member must not become quorate on its own.
        throw new ConfigurationException(
            "quorum.auto_tie_breaker: true with an odd number of expected votes ("
                + expected
                + ") requires quorum.wait_for_all: true; got wait_for_all: false");
      }
    }
  }

  private static void checkTwoNode(
      QuorumPolicy.Builder b, Topology topology, TieBreaker tieBreaker, boolean hasSources) {
    if (topology.size() != 2) {
      throw new ConfigurationException(
          "quorum.two_node: true needs exactly 2 members; the topology has "
              + topology.size()
              + " "
              + topology.ids());
    }
    if (topology.hosts().size() == 1) {
      // One host failure would take both members: the "survivor" of the fence race is gone too.
      throw new ConfigurationException(
          "quorum.two_node: true with both members on host "
              + topology.hosts().first()
              + " is refused; place them on different hosts");
    }
    if (b.lastManStanding()) {
      throw new ConfigurationException(
          "quorum.two_node: true together with quorum.last_man_standing: true is refused;"
              + " two_node already keeps quorum with one member");
    }
    if (tieBreaker != null) {
      throw new ConfigurationException(
          "quorum.two_node: true together with quorum.auto_tie_breaker is refused; two_node"
              + " decides a split by fence race, auto_tie_breaker by member id: choose one");
    }
    if (hasSources) {
      throw new ConfigurationException(
          "quorum.two_node: true together with a vote source is refused; with a quorum disk"
              + " or arbiter, use normal majority (two_node: false)");
    }
  }

  private static void checkLastManStanding(
      QuorumPolicy.Builder b, Topology topology, boolean hasSources) {
    Duration window = b.lastManStandingWindow();
    if (window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
      throw new ConfigurationException(
          "quorum.last_man_standing_window: "
              + window
              + " is invalid; accepted: 1 ms to "
              + MAX_WINDOW);
    }
    for (Member member : topology.members()) {
      if (member.votes() != 1) {
        throw new ConfigurationException(
            "quorum.last_man_standing: true needs every member to have 1 vote; member "
                + member.id()
                + " has "
                + member.votes());
      }
    }
    if (hasSources) {
      throw new ConfigurationException(
          "quorum.last_man_standing: true together with a vote source is refused;"
              + " votequorum does not support last_man_standing with a quorum device");
    }
  }
}
