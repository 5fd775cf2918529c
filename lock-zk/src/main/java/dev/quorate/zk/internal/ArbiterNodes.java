package dev.quorate.zk.internal;

import dev.quorate.quorum.MemberId;
import dev.quorate.zk.ArbiterReport;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The data of the arbiter's nodes on the witness, as {@code key=value} lines: one ephemeral report
 * per member session, and the ephemeral vote token naming the partition that holds the vote.
 */
public final class ArbiterNodes {
  private ArbiterNodes() {}

  /**
   * The vote token: which partition holds the arbiter's vote, and which member created it.
   *
   * @param partition the partition the vote is given to
   * @param owner the member whose session holds the token
   */
  public record Token(SortedSet<MemberId> partition, MemberId owner) {}

  /**
   * A report as stored: the report, and whether its member currently counts the arbiter's vote. A
   * new winner waits until no member outside its partition still counts it.
   *
   * @param report what the member reported
   * @param castingVote whether the member counts the arbiter's vote for its partition now
   */
  public record Stored(ArbiterReport report, boolean castingVote) {}

  /**
   * Encodes a report.
   *
   * @param stored the report and the member's casting flag
   * @return the node data
   */
  public static byte[] encode(Stored stored) {
    ArbiterReport report = stored.report();
    return ("member="
            + report.member().value()
            + "\npartition="
            + ids(report.partition())
            + "\npassed="
            + report.heuristicsPassed()
            + "\nfailed="
            + report.heuristicsFailed()
            + "\npreviouslyQuorate="
            + report.previouslyQuorate()
            + "\ncasting="
            + stored.castingVote()
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes a report.
   *
   * @param path the node's path, for errors
   * @param data the node's data
   * @return the report and casting flag
   * @throws IllegalArgumentException if the data is not a report
   */
  public static Stored decodeReport(String path, byte[] data) {
    Map<String, String> f = MemberRecord.Fields.parse(path, data);
    try {
      ArbiterReport report =
          new ArbiterReport(
              MemberId.of(Integer.parseInt(MemberRecord.Fields.require(path, f, "member"))),
              parseIds(MemberRecord.Fields.require(path, f, "partition")),
              Integer.parseInt(MemberRecord.Fields.require(path, f, "passed")),
              Integer.parseInt(MemberRecord.Fields.require(path, f, "failed")),
              Boolean.parseBoolean(MemberRecord.Fields.require(path, f, "previouslyQuorate")));
      return new Stored(
          report, Boolean.parseBoolean(MemberRecord.Fields.require(path, f, "casting")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("report " + path + " has a malformed number", e);
    }
  }

  /**
   * Encodes the vote token.
   *
   * @param token the token
   * @return the node data
   */
  public static byte[] encode(Token token) {
    return ("partition=" + ids(token.partition()) + "\nowner=" + token.owner().value() + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes the vote token.
   *
   * @param path the node's path, for errors
   * @param data the node's data
   * @return the token
   * @throws IllegalArgumentException if the data is not a token
   */
  public static Token decodeToken(String path, byte[] data) {
    Map<String, String> f = MemberRecord.Fields.parse(path, data);
    try {
      return new Token(
          parseIds(MemberRecord.Fields.require(path, f, "partition")),
          MemberId.of(Integer.parseInt(MemberRecord.Fields.require(path, f, "owner"))));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("vote token " + path + " has a malformed number", e);
    }
  }

  /**
   * What the witness holds now, read once without watching or writing: each member's newest report,
   * and the vote token if one is held.
   *
   * @param reports each member's newest report, by member id
   * @param token the vote token, if a member holds it
   */
  public record Observed(Map<MemberId, Stored> reports, java.util.Optional<Token> token) {}

  /**
   * Reads the reports and the token under an arbiter root, for an operator's tool.
   *
   * @param client a connected client
   * @param root the arbiter's root path
   * @return what is published; empty when no member ever reported
   * @throws Exception if ZooKeeper fails (a {@code NoAuthException} names the refused path)
   * @throws IllegalArgumentException naming the node if one is not a report or token
   */
  public static Observed observe(org.apache.curator.framework.CuratorFramework client, String root)
      throws Exception {
    Map<MemberId, Stored> reports = new java.util.TreeMap<>();
    Map<MemberId, Long> newest = new java.util.HashMap<>();
    List<String> children;
    try {
      children = client.getChildren().forPath(root + "/reports");
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      children = List.of();
    }
    for (String child : children) {
      String path = root + "/reports/" + child;
      org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
      byte[] data;
      try {
        data = client.getData().storingStatIn(stat).forPath(path);
      } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
        continue; // its session ended between the listing and the read
      }
      Stored stored = decodeReport(path, data);
      MemberId member = stored.report().member();
      // An older session's report may linger until the session expires: the newest counts.
      if (newest.getOrDefault(member, Long.MIN_VALUE) < stat.getCzxid()) {
        newest.put(member, stat.getCzxid());
        reports.put(member, stored);
      }
    }
    java.util.Optional<Token> token;
    try {
      token =
          java.util.Optional.of(
              decodeToken(root + "/vote", client.getData().forPath(root + "/vote")));
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      token = java.util.Optional.empty();
    }
    return new Observed(reports, token);
  }

  private static String ids(SortedSet<MemberId> ids) {
    return ids.stream().map(MemberId::toString).collect(Collectors.joining(","));
  }

  private static SortedSet<MemberId> parseIds(String text) {
    SortedSet<MemberId> ids = new TreeSet<>();
    Arrays.stream(text.split(","))
        .filter(s -> !s.isBlank())
        .forEach(s -> ids.add(MemberId.of(Integer.parseInt(s.trim()))));
    return ids;
  }
}
