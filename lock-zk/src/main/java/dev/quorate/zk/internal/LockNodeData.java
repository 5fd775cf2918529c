package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;

/**
 * The data of a lock node: who made it and, for a conversion node, the token its lease held before.
 * A down-conversion keeps its lease's token while the node that was granted with it is deleted, so
 * the conversion node records that token ({@code kept=}): an inspection shows, and a revocation
 * finds, the lease by the token its holder reports. An up-conversion takes its node's czxid as the
 * new token and records the one it supersedes ({@code supersedes=}), so a revocation asked for the
 * old token can name the current one.
 *
 * <pre>{@code
 * host/4242/5f0c...          a request's node: its token is its czxid
 * host/4242/5f0c...\nkept=17 a down-conversion's node: its lease's token is 17
 * }</pre>
 *
 * @param owner who made the node: host, process, manager
 * @param kept the token (major) the lease keeps through a down-conversion; 0 if none
 * @param supersedes the token (major) an up-conversion replaced; 0 if none
 */
record LockNodeData(String owner, long kept, long supersedes) {
  private static final String KEPT = "kept=";
  private static final String SUPERSEDES = "supersedes=";

  /** The data of a down-conversion's node: the lease keeps {@code token}. */
  static byte[] keeping(byte[] owner, long token) {
    return append(owner, KEPT + token);
  }

  /** The data of an up-conversion's node: it replaces {@code token}. */
  static byte[] superseding(byte[] owner, long token) {
    return append(owner, SUPERSEDES + token);
  }

  private static byte[] append(byte[] owner, String line) {
    return (new String(owner, StandardCharsets.UTF_8) + "\n" + line)
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the data of the node at {@code path}; lines it does not know (from a newer version) are
   * ignored.
   *
   * @throws QuorateException CORRUPT_DATA if a token line does not hold a number
   */
  static LockNodeData parse(String path, byte[] data) {
    String[] lines =
        new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8).split("\n");
    long kept = 0;
    long supersedes = 0;
    for (int i = 1; i < lines.length; i++) {
      kept = lines[i].startsWith(KEPT) ? number(path, lines[i], KEPT) : kept;
      supersedes =
          lines[i].startsWith(SUPERSEDES) ? number(path, lines[i], SUPERSEDES) : supersedes;
    }
    return new LockNodeData(lines[0], kept, supersedes);
  }

  private static long number(String path, String line, String key) {
    try {
      return Long.parseLong(line.substring(key.length()));
    } catch (NumberFormatException e) {
      throw new QuorateException(
          ErrorCode.CORRUPT_DATA, "lock node " + path + " holds '" + line + "', not a token");
    }
  }

  /** The token (major) of the lease that holds through a node created at {@code czxid}. */
  long leaseToken(long czxid) {
    return kept != 0 ? kept : czxid;
  }
}
