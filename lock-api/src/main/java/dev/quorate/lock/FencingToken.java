package dev.quorate.lock;

import java.nio.ByteBuffer;

/**
 * A number that comes with every grant and lets the protected resource reject stale holders.
 *
 * <p>A lease alone cannot give mutual exclusion: a holder can pause (garbage collection, a stopped
 * VM, a slow disk) past the moment its lease was lost, wake up, and write. The resource must
 * therefore check, on every access, that the token it is shown is not older than the newest one it
 * has accepted ({@link TokenGuard} does that). Tokens are unique per grant; when a grant happens
 * after another grant on the same resource in an incompatible mode, its token is greater.
 *
 * <p>A token has two parts compared in order: {@code major}, a cluster-wide grant number (the
 * ZooKeeper {@code czxid} of the lock node, or a counter in the in-process manager), and {@code
 * minor}, a member-local sequence for grants that a member hands between its own threads without
 * asking the cluster again. It round-trips through {@link #toString()}/{@link #parse} and {@link
 * #toBytes()}/{@link #fromBytes}; the byte form compares correctly as unsigned bytes, so a storage
 * system can keep it as an opaque 16-byte key:
 *
 * <pre>{@code
 * FencingToken token = lease.token();
 * storage.write(block, data, token.toBytes());
 * }</pre>
 *
 * @param major the cluster-wide grant number, not negative
 * @param minor the member-local sub-grant sequence, not negative
 */
public record FencingToken(long major, long minor) implements Comparable<FencingToken> {
  /** Length of {@link #toBytes()}. */
  public static final int BYTES = 2 * Long.BYTES;

  /**
   * Validates the parts.
   *
   * @param major the cluster-wide grant number, not negative
   * @param minor the member-local sub-grant sequence, not negative
   * @throws IllegalArgumentException if either part is negative
   */
  public FencingToken {
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException(
          "fencing token parts must not be negative: major=" + major + ", minor=" + minor);
    }
  }

  /**
   * Creates a token with no local sub-grant part.
   *
   * @param major the cluster-wide grant number, not negative
   * @return the token {@code major.0}
   * @throws IllegalArgumentException if {@code major} is negative
   */
  public static FencingToken of(long major) {
    return new FencingToken(major, 0);
  }

  /**
   * Parses the form produced by {@link #toString()}: {@code major.minor} in decimal.
   *
   * @param text the token text
   * @return the token
   * @throws IllegalArgumentException if the text is not two non-negative decimal numbers joined by
   *     a dot
   */
  public static FencingToken parse(String text) {
    int dot = text.indexOf('.');
    if (dot <= 0 || !digitsOnly(text, 0, dot) || !digitsOnly(text, dot + 1, text.length())) {
      throw new IllegalArgumentException(
          "fencing token '" + text + "' is not of the form <major>.<minor>, e.g. 4294967302.0");
    }
    try {
      return new FencingToken(
          Long.parseLong(text, 0, dot, 10), Long.parseLong(text, dot + 1, text.length(), 10));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "fencing token '" + text + "' has a part beyond " + Long.MAX_VALUE, e);
    }
  }

  private static boolean digitsOnly(String text, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes the form produced by {@link #toBytes()}.
   *
   * @param bytes exactly {@link #BYTES} bytes
   * @return the token
   * @throws IllegalArgumentException if the length is wrong or a part is negative
   */
  public static FencingToken fromBytes(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException(
          "a fencing token is " + BYTES + " bytes, got " + bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new FencingToken(buffer.getLong(), buffer.getLong());
  }

  /**
   * Encodes the token as 16 big-endian bytes whose unsigned lexicographic order equals token order.
   *
   * @return a new array of {@link #BYTES} bytes
   */
  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putLong(major).putLong(minor).array();
  }

  /**
   * Says whether this token is newer than {@code other}.
   *
   * @param other the token to compare with
   * @return true if this token is strictly greater
   */
  public boolean isNewerThan(FencingToken other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(FencingToken other) {
    int byMajor = Long.compare(major, other.major);
    return byMajor != 0 ? byMajor : Long.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
