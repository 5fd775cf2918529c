package dev.quorate.zk.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The data of a candidate's node: its name when it queues, then {@code name\nmillis} once it is
 * elected and has announced itself. Observers report a leader only once announced, so what they see
 * is what the leader's own {@code Leadership} says.
 */
final class Candidacy {
  private Candidacy() {}

  static byte[] encode(String candidate, Instant since) {
    return (candidate + "\n" + since.toEpochMilli()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What a read of the first node found.
   *
   * @param data its data, or null if there was no node
   * @param czxid its creation zxid, the epoch
   */
  record Seen(byte[] data, long czxid) {
    static final Seen NOBODY = new Seen(null, 0);

    Optional<Leader> leader() {
      if (data == null) {
        return Optional.empty();
      }
      String text = new String(data, StandardCharsets.UTF_8);
      int newline = text.lastIndexOf('\n');
      if (newline < 0) {
        return Optional.empty(); // first in line, not yet announced
      }
      return Optional.of(
          new Leader(
              text.substring(0, newline),
              Instant.ofEpochMilli(Long.parseLong(text.substring(newline + 1))),
              FencingToken.of(czxid)));
    }
  }
}
