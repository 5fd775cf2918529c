package dev.quorate.nbd;

import dev.quorate.lock.FencingToken;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name a client asks for when it opens an export: the export's name and the client's fencing
 * token, written {@code <export>@<token>}, for example {@code vm-web-1@4294967302.0}, or {@code
 * <export>@<token>+standby} for a standby open.
 *
 * <p>NBD lets a client choose nothing but the export name ({@code nbd://host:port/EXPORT} in QEMU),
 * so the token travels in it. The token is {@link FencingToken#toString()} ({@code major.minor}); a
 * bare {@code major} means {@code major.0}. Export names use letters, digits, {@code .}, {@code _}
 * and {@code -} only, so the text needs no escaping in a URL and the {@code @} is unambiguous:
 *
 * <pre>{@code
 * String drive = "nbd://10.0.0.5:10809/" + ExportName.of("vm-web-1", lease.token());
 * }</pre>
 *
 * <p>A plain open preempts: a newer token revokes older connections at the open. A standby open
 * ({@link #standby}) preempts at its first write instead: the destination of a live migration opens
 * as standby while the source still runs, and takes the disk over when the migrated guest first
 * writes, after the source has stopped.
 *
 * @param export the export's name, as configured on the server
 * @param token the fencing token of the client's lease
 * @param standby whether the open waits for its first write to preempt older tokens
 */
public record ExportName(String export, FencingToken token, boolean standby) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  private static final String STANDBY = "+standby";

  /**
   * Validates the parts.
   *
   * @param export the export's name
   * @param token the fencing token
   * @param standby whether the open is a standby open
   * @throws IllegalArgumentException if the export name is empty, longer than 200 characters or has
   *     a character other than letters, digits, {@code .}, {@code _} and {@code -}
   * @throws NullPointerException if the name or token is null
   */
  public ExportName {
    checkExport(export);
    Objects.requireNonNull(token, "token");
  }

  /**
   * Creates the name a holder of {@code token} opens {@code export} with; the open revokes every
   * connection with an older token.
   *
   * @param export the export's name
   * @param token the fencing token of the holder's lease
   * @return the export name with the token
   * @throws IllegalArgumentException if the export name is not valid (see {@link ExportName})
   */
  public static ExportName of(String export, FencingToken token) {
    return new ExportName(export, token, false);
  }

  /**
   * Creates the name of a standby open: accepted while {@code token} is not older than the newest
   * accepted token, revoking nothing until its connection's first write, which preempts then.
   *
   * @param export the export's name
   * @param token the fencing token the client will hold when it writes
   * @return the export name with the token and {@code +standby}
   * @throws IllegalArgumentException if the export name is not valid (see {@link ExportName})
   */
  public static ExportName standby(String export, FencingToken token) {
    return new ExportName(export, token, true);
  }

  /**
   * Parses {@code <export>@<major>.<minor>} or {@code <export>@<major>}, each optionally followed
   * by {@code +standby}.
   *
   * @param text the name a client sent
   * @return the export and token it names
   * @throws IllegalArgumentException if the text has no {@code @}, an invalid export name, or a
   *     token that is not one or two non-negative decimal numbers joined by a dot
   */
  public static ExportName parse(String text) {
    int at = text.lastIndexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException(
          "export name '"
              + text
              + "' carries no fencing token: open <export>@<major>.<minor>, e.g. vm-web-1@42.0");
    }
    boolean standby = text.endsWith(STANDBY);
    String tokenText = text.substring(at + 1, text.length() - (standby ? STANDBY.length() : 0));
    FencingToken token;
    if (tokenText.indexOf('.') >= 0) {
      token = FencingToken.parse(tokenText);
    } else if (!tokenText.isEmpty() && tokenText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        token = FencingToken.of(Long.parseLong(tokenText));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "fencing token '" + tokenText + "' is beyond " + Long.MAX_VALUE, e);
      }
    } else {
      throw new IllegalArgumentException(
          "fencing token '"
              + tokenText
              + "' in export name '"
              + text
              + "' is not <major>.<minor> or <major>, e.g. 42.0 or 42");
    }
    return new ExportName(text.substring(0, at), token, standby);
  }

  /**
   * Checks an export's name as the server's configuration and {@link #parse} accept it.
   *
   * @param export the name
   * @return the name
   * @throws IllegalArgumentException if it is not valid (see {@link ExportName})
   */
  static String checkExport(String export) {
    Objects.requireNonNull(export, "export");
    if (!NAME.matcher(export).matches()) {
      throw new IllegalArgumentException(
          "export name '" + export + "' is not 1 to 200 of the characters A-Z a-z 0-9 . _ -");
    }
    return export;
  }

  /**
   * Returns {@code <export>@<major>.<minor>}, with {@code +standby} for a standby open: the text
   * {@link #parse} reads.
   *
   * @return the text a client sends as its NBD export name
   */
  @Override
  public String toString() {
    return export + "@" + token + (standby ? STANDBY : "");
  }
}
