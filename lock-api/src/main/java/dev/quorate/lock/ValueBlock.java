package dev.quorate.lock;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The lock value block: up to {@link #MAX_BYTES} bytes that travel with a resource's lock. A holder
 * in PW or EX stages a new value with {@link Lease#setValueBlock}; it is written when the lease is
 * released or converted down, and every later grant sees it through {@link Lease#valueBlock()}.
 * Typical use: a version number of cached data, so a new holder knows whether its cache is still
 * current.
 *
 * <pre>{@code
 * try (Lease lease = lock.acquire(LockMode.EX)) {
 *   long version = lease.valueBlock().isEmpty() ? 0 : lease.valueBlock().asLong();
 *   lease.setValueBlock(ValueBlock.ofLong(version + 1));
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ValueBlock {
  /** The largest value block, in bytes. */
  public static final int MAX_BYTES = 64;

  private static final ValueBlock EMPTY = new ValueBlock(new byte[0]);

  private final byte[] bytes;

  private ValueBlock(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Returns the empty value block, the value of a resource nobody has written.
   *
   * @return the empty block
   */
  public static ValueBlock empty() {
    return EMPTY;
  }

  /**
   * Creates a value block holding a copy of {@code bytes}.
   *
   * @param bytes at most {@link #MAX_BYTES} bytes
   * @return the value block
   * @throws IllegalArgumentException if there are more than {@link #MAX_BYTES} bytes
   */
  public static ValueBlock of(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "a lock value block holds at most " + MAX_BYTES + " bytes, got " + bytes.length);
    }
    return bytes.length == 0 ? EMPTY : new ValueBlock(bytes.clone());
  }

  /**
   * Creates an 8-byte big-endian value block holding {@code value}.
   *
   * @param value the number to store
   * @return the value block
   */
  public static ValueBlock ofLong(long value) {
    byte[] bytes = new byte[Long.BYTES];
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    return new ValueBlock(bytes);
  }

  /**
   * Reads back a value made by {@link #ofLong}.
   *
   * @return the number
   * @throws IllegalStateException if the block is not exactly 8 bytes
   */
  public long asLong() {
    if (bytes.length != Long.BYTES) {
      throw new IllegalStateException(
          "value block of " + bytes.length + " bytes does not hold a long (8 bytes)");
    }
    long value = 0;
    for (byte b : bytes) {
      value = (value << 8) | (b & 0xff);
    }
    return value;
  }

  /**
   * Returns a copy of the bytes.
   *
   * @return a new array
   */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /**
   * Returns the number of bytes.
   *
   * @return the length, 0 to {@link #MAX_BYTES}
   */
  public int size() {
    return bytes.length;
  }

  /**
   * Says whether the block holds no bytes.
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return bytes.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueBlock other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "ValueBlock[" + HexFormat.of().formatHex(bytes) + "]";
  }
}
