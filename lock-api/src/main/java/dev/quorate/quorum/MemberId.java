package dev.quorate.quorum;

/**
 * Identifies a cluster member: a positive integer, like a corosync node id.
 *
 * <p>Integers (not names) because the tie-breakers {@code lowest} and {@code highest} compare ids,
 * and that order must be the same on every member and stable across renames. Zero and negative
 * values are refused: corosync reserves 0 for "this node", and an accidental default of 0 must not
 * silently become the lowest id and win every tie.
 *
 * <pre>{@code
 * MemberId first = MemberId.of(1);
 * assert first.compareTo(MemberId.of(2)) < 0;
 * }</pre>
 *
 * @param value the id, at least 1
 */
public record MemberId(int value) implements Comparable<MemberId> {
  /**
   * Validates the id.
   *
   * @param value the id, at least 1
   * @throws IllegalArgumentException if {@code value} is below 1
   */
  public MemberId {
    if (value < 1) {
      throw new IllegalArgumentException("member id must be at least 1, got " + value);
    }
  }

  /**
   * Returns the id with the given value.
   *
   * @param value the id, at least 1
   * @return the member id
   * @throws IllegalArgumentException if {@code value} is below 1
   */
  public static MemberId of(int value) {
    return new MemberId(value);
  }

  @Override
  public int compareTo(MemberId other) {
    return Integer.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
