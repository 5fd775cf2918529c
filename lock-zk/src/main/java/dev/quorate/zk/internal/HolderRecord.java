package dev.quorate.zk.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of holder records: persistent nodes beside the lock nodes of a resource, one per lease
 * granted under a recovery gate, named by the lease's position (the sequence of its first node,
 * which conversions keep). The record lives as long as the lease is held and is deleted with the
 * lease's node in one transaction on a clean release; a record whose lease has no node left
 * therefore names a holder that was lost (its session ended, its node was deleted) while it may
 * still have been using the resource. Its data is the holder's member name.
 *
 * <p>Each record has an ephemeral child {@value #SESSION}, created in the same transaction by the
 * holder's session: a lost record whose child is gone names a holder whose session ended (or that
 * gave itself up when its quorum ended), so its self-fence deadline may count; a lost record whose
 * child is still there names a holder whose node was deleted under a live session, which nothing
 * stops on its own (only a fence or a confirmation recovers it).
 */
final class HolderRecord {
  private static final String PREFIX = "holder-";
  private static final Pattern NAME = Pattern.compile(PREFIX + "(\\d{10,})");

  /** The name of the ephemeral child that lives as long as the holder's session. */
  static final String SESSION = "session";

  private HolderRecord() {}

  /** The path of the session child of the record at {@code recordPath}. */
  static String sessionPath(String recordPath) {
    return recordPath + "/" + SESSION;
  }

  /** The child name of the record of the lease at {@code position}. */
  static String name(long position) {
    return String.format(PREFIX + "%010d", position);
  }

  /** The lease position a child name records; empty for any other child. */
  static Optional<Long> parsePosition(String child) {
    if (!child.startsWith(PREFIX)) {
      return Optional.empty(); // every lock node: spares ungated queues the pattern
    }
    Matcher m = NAME.matcher(child);
    return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }
}
