package dev.quorate.zk.internal;

import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one member publishes in its ephemeral member node: who it is, which incarnation (one per
 * ZooKeeper session it registered with) and whether it currently considers itself quorate.
 *
 * <p>Encoded as {@code key=value} lines so an operator can read it with {@code zkCli get}.
 *
 * @param member the member's id, votes and host
 * @param incarnation increases each time the member registers again after losing its session
 * @param quorate whether the member reported itself quorate when it last wrote the node
 */
record MemberRecord(Member member, long incarnation, boolean quorate) {
  /**
   * Validates the record.
   *
   * @param member the member
   * @param incarnation at least 1
   * @param quorate the member's own view of its quorum
   * @throws IllegalArgumentException if {@code incarnation} is below 1
   */
  public MemberRecord {
    Objects.requireNonNull(member, "member");
    if (incarnation < 1) {
      throw new IllegalArgumentException(
          "incarnation of member " + member.id() + " must be at least 1, got " + incarnation);
    }
  }

  /**
   * Encodes the record as the node's data.
   *
   * @return UTF-8 {@code key=value} lines
   */
  public byte[] encode() {
    String text =
        "id="
            + member.id().value()
            + "\nvotes="
            + member.votes()
            + "\nhost="
            + member.host()
            + "\nincarnation="
            + incarnation
            + "\nquorate="
            + quorate
            + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes a node's data.
   *
   * @param path the node's path, for the error message
   * @param data the node's data
   * @return the record
   * @throws IllegalArgumentException if the data is not a member record
   */
  public static MemberRecord decode(String path, byte[] data) {
    Map<String, String> fields = Fields.parse(path, data);
    try {
      Member member =
          new Member(
              MemberId.of(Integer.parseInt(Fields.require(path, fields, "id"))),
              Integer.parseInt(Fields.require(path, fields, "votes")),
              Fields.require(path, fields, "host"));
      return new MemberRecord(
          member,
          Long.parseLong(Fields.require(path, fields, "incarnation")),
          Boolean.parseBoolean(Fields.require(path, fields, "quorate")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("member node " + path + " has a malformed number", e);
    }
  }

  /** Parses {@code key=value} lines; shared with the arbiter's reports. */
  static final class Fields {
    private Fields() {}

    static Map<String, String> parse(String path, byte[] data) {
      if (data == null) {
        throw new IllegalArgumentException("node " + path + " has no data");
      }
      Map<String, String> fields = new HashMap<>();
      for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException(
              "node " + path + " has a line without key=value: '" + line + "'");
        }
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
      return fields;
    }

    static String require(String path, Map<String, String> fields, String key) {
      String value = fields.get(key);
      if (value == null) {
        throw new IllegalArgumentException(
            "node " + path + " lacks '" + key + "'; found keys " + fields.keySet());
      }
      return value;
    }
  }
}
