package dev.quorate.zk.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who holds a fence claim node, as its data says: the member and its cluster, the fence it makes, a
 * unique id of this claim, and where the shared history stood when it was taken (so a member that
 * waited behind it can find what the holder recorded). An empty node is a free claim.
 *
 * <p>Encoded as {@code key=value} lines so an operator can read it with {@code zkCli get}.
 *
 * @param cluster the claiming member's cluster
 * @param member the claiming member
 * @param target the target being fenced
 * @param hosts the hosts a host-level fence powers; empty for a target claim
 * @param claim a unique id of this claim
 * @param historyMark the highest history sequence number when the claim was taken, or -1
 * @param since when it was taken, by the claimer's wall clock: for people, never compared
 */
public record FenceClaimOwner(
    String cluster,
    String member,
    String target,
    SortedSet<String> hosts,
    String claim,
    long historyMark,
    Instant since) {
  /**
   * Checks and copies.
   *
   * @param cluster the cluster
   * @param member the member
   * @param target the target
   * @param hosts the hosts
   * @param claim the claim id
   * @param historyMark the history mark
   * @param since the wall-clock time taken
   */
  public FenceClaimOwner {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(target, "target");
    hosts = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(hosts));
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(since, "since");
  }

  /**
   * Encodes the owner as a claim node's data.
   *
   * @return UTF-8 {@code key=value} lines
   */
  public byte[] encode() {
    String text =
        "cluster="
            + cluster
            + "\nmember="
            + member
            + "\ntarget="
            + target
            + "\nhosts="
            + String.join(",", hosts)
            + "\nclaim="
            + claim
            + "\nhistory="
            + historyMark
            + "\nsince="
            + since
            + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes a claim node's data.
   *
   * @param path the node's path, named in errors
   * @param data its data, not empty
   * @return the owner
   * @throws IllegalArgumentException naming the path if the data is not a claim
   */
  public static FenceClaimOwner decode(String path, byte[] data) {
    Map<String, String> f = MemberRecord.Fields.parse(path, data);
    try {
      String hosts = MemberRecord.Fields.require(path, f, "hosts");
      return new FenceClaimOwner(
          MemberRecord.Fields.require(path, f, "cluster"),
          MemberRecord.Fields.require(path, f, "member"),
          MemberRecord.Fields.require(path, f, "target"),
          hosts.isEmpty() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(hosts.split(","))),
          MemberRecord.Fields.require(path, f, "claim"),
          Long.parseLong(MemberRecord.Fields.require(path, f, "history")),
          Instant.parse(MemberRecord.Fields.require(path, f, "since")));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "fence claim node " + path + " has a malformed value: " + e.getMessage(), e);
    }
  }

  /**
   * Describes the claim for explanations: who fences whom, since when.
   *
   * @return for example "cluster-1/node-b fencing node-a on [h1] (claimed 2026-12-07T01:30:00Z)"
   */
  public String describe() {
    return cluster
        + "/"
        + member
        + " fencing "
        + target
        + (hosts.isEmpty() ? "" : " on " + hosts)
        + " (claimed "
        + since
        + ")";
  }
}
