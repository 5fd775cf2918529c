package dev.quorate.qdisk.internal;

import java.util.Optional;

/**
 * What decoding one block found: a valid record, or why there is none. Kept apart from exceptions
 * because a bad block is routine (a torn write, a stale read) and is counted, not thrown.
 *
 * @param value the record when {@code kind} is VALID
 * @param kind the verdict
 * @param detail a message naming the bad value, empty when valid
 */
public record Decoded<T>(Optional<T> value, Kind kind, String detail) {
  /** The verdict on one block. */
  public enum Kind {
    VALID,
    /** Every byte is zero: never written, or a wiped or truncated disk. */
    ZERO,
    BAD_MAGIC,
    BAD_CRC,
    BAD_VERSION,
    /** Valid record of another disk (UUID) or another slot. */
    FOREIGN,
    BAD_FIELD
  }

  static <T> Decoded<T> valid(T value) {
    return new Decoded<>(Optional.of(value), Kind.VALID, "");
  }

  static <T> Decoded<T> bad(Kind kind, String detail) {
    return new Decoded<>(Optional.empty(), kind, detail);
  }

  boolean isValid() {
    return kind == Kind.VALID;
  }
}
