package dev.quorate.vm;

import dev.quorate.lock.ErrorCode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * One record of Quorate's test guest: the guest built by {@code bin/lib/build-guest.sh} appends one
 * per interval to its disk (slot {@code seq}, 512 bytes) and prints it on its serial console, as
 *
 * <pre>{@code
 * QREC1 id=vm-1 token=7 seq=42 up=5.31 crc=872d6adf
 * }</pre>
 *
 * <p>The CRC (zlib's CRC-32) covers the text before {@code " crc="}, so a torn sector or a line
 * garbled on the console never parses. The token is the fencing token the guest was booted with, so
 * records read back from a disk show which grant wrote them.
 *
 * @param guest the guest's id ({@code quorate.id} on its kernel command line)
 * @param token the fencing token it was booted with ({@code quorate.token})
 * @param seq the sequence number, equal to the record's slot on the disk
 * @param uptime the guest's uptime when it wrote the record (kernel start to now)
 */
public record GuestRecord(String guest, long token, long seq, Duration uptime) {
  /** The magic every record starts with. */
  public static final String MAGIC = "QREC1";

  /** The size of one record's slot on the disk. */
  public static final int SLOT_BYTES = 512;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * Validates the parts.
   *
   * @param guest the guest's id
   * @param token the fencing token
   * @param seq the sequence number
   * @param uptime the guest's uptime
   * @throws IllegalArgumentException for an id that is not 1-64 of {@code [A-Za-z0-9._-]}, or a
   *     negative token or sequence
   */
  public GuestRecord {
    checkId(guest);
    if (token < 0 || seq < 0) {
      throw new IllegalArgumentException("token and seq must be >= 0, not " + token + ", " + seq);
    }
    Objects.requireNonNull(uptime, "uptime");
  }

  /**
   * Whether a console line is meant to be a record (it may still fail {@link #parse}).
   *
   * @param line a console line
   * @return true if it starts with the magic
   */
  public static boolean isRecord(String line) {
    return line.startsWith(MAGIC + " ");
  }

  /**
   * Parses and checks one record, from a console line or a disk slot (trailing padding ignored).
   *
   * @param text the record
   * @return the record
   * @throws VmException CORRUPT_DATA when the text is not a record or its CRC does not match
   */
  public static GuestRecord parse(String text) {
    String line = text.strip();
    int crcAt = line.lastIndexOf(" crc=");
    if (!isRecord(line) || crcAt < 0) {
      throw corrupt("not a guest record", line);
    }
    String body = line.substring(0, crcAt);
    long expected;
    try {
      expected = Long.parseLong(line.substring(crcAt + 5), 16);
    } catch (NumberFormatException e) {
      throw corrupt("bad crc field", line);
    }
    if (crc(body) != expected) {
      throw corrupt("CRC mismatch", line);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : body.substring(MAGIC.length() + 1).split(" ")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw corrupt("bad field '" + part + "'", line);
      }
      fields.put(part.substring(0, eq), part.substring(eq + 1));
    }
    try {
      return new GuestRecord(
          fields.get("id"),
          Long.parseLong(fields.get("token")),
          Long.parseLong(fields.get("seq")),
          Duration.ofNanos(new BigDecimal(fields.get("up")).movePointRight(9).longValueExact()));
    } catch (RuntimeException e) {
      throw corrupt("bad fields (" + e.getMessage() + ")", line);
    }
  }

  /**
   * The kernel command line arguments that make the test guest write records with this id and
   * token; append them to {@code console=ttyS0}.
   *
   * @param guest the guest's id
   * @param token the fencing token the guest runs under
   * @param interval the time between records (at least 1 ms)
   * @return the arguments, space separated
   * @throws IllegalArgumentException for a bad id, a negative token or a too short interval
   */
  public static String kernelArguments(String guest, long token, Duration interval) {
    checkId(guest);
    if (token < 0 || interval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "token must be >= 0 and interval >= 1 ms, not " + token + ", " + interval);
    }
    return "quorate.id="
        + guest
        + " quorate.token="
        + token
        + " quorate.interval_ms="
        + interval.toMillis();
  }

  private static void checkId(String guest) {
    if (guest == null || !ID.matcher(guest).matches()) {
      throw new IllegalArgumentException(
          "guest id must be 1-64 characters of [A-Za-z0-9._-], not '" + guest + "'");
    }
  }

  private static long crc(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return crc.getValue();
  }

  private static VmException corrupt(String what, String line) {
    String shown = line.length() > 120 ? line.substring(0, 120) + "..." : line;
    return new VmException(ErrorCode.CORRUPT_DATA, what + ": '" + shown + "'");
  }
}
