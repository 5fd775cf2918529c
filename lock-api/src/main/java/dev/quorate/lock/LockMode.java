package dev.quorate.lock;

/**
 * The six lock modes of the VMS/Linux distributed lock manager, weakest first.
 *
 * <p>Two modes may be granted on one resource at the same time only if {@link #compatibleWith} says
 * so:
 *
 * <pre>
 * held \ asked  NL  CR  CW  PR  PW  EX
 *   NL          Y   Y   Y   Y   Y   Y
 *   CR          Y   Y   Y   Y   Y   -
 *   CW          Y   Y   Y   -   -   -
 *   PR          Y   Y   -   Y   -   -
 *   PW          Y   Y   -   -   -   -
 *   EX          Y   -   -   -   -   -
 * </pre>
 *
 * <p>{@link #EX} is the everyday mutex; {@link #PR} and {@link #PW} are the reader/writer pair.
 */
public enum LockMode {
  /** Null: no access; holds a place (and the value block) without blocking anyone. */
  NL("YYYYYY"),
  /** Concurrent read: read while others may write (unprotected read). */
  CR("YYYYY-"),
  /** Concurrent write: write while others may write or read concurrently. */
  CW("YYY---"),
  /** Protected read: shared read, no writers. */
  PR("YY-Y--"),
  /** Protected write: one writer, concurrent readers (CR) allowed. */
  PW("YY----"),
  /** Exclusive: no one else but NL. */
  EX("Y-----");

  // Bit i set = compatible with the mode whose ordinal is i.
  private final int compatibleMask;

  // One row of the matrix above, NL to EX, 'Y' = compatible.
  LockMode(String row) {
    int mask = 0;
    for (int i = 0; i < row.length(); i++) {
      if (row.charAt(i) == 'Y') {
        mask |= 1 << i;
      }
    }
    this.compatibleMask = mask;
  }

  /**
   * Says whether this mode may be granted while {@code other} is granted to someone else. The
   * relation is symmetric.
   *
   * @param other the other mode
   * @return true if both may be held at once
   * @throws NullPointerException if {@code other} is null
   */
  public boolean compatibleWith(LockMode other) {
    return (compatibleMask & (1 << other.ordinal())) != 0;
  }

  /**
   * Says whether converting from this mode to {@code target} is a down-conversion: everything
   * compatible with this mode is also compatible with {@code target}, so the conversion never has
   * to wait. Every mode covers itself.
   *
   * @param target the mode to convert to
   * @return true if the conversion is granted at once
   * @throws NullPointerException if {@code target} is null
   */
  public boolean covers(LockMode target) {
    return (target.compatibleMask & compatibleMask) == compatibleMask;
  }

  /**
   * Says whether a holder in this mode writes the lock value block when it releases or converts
   * down (PW and EX).
   *
   * @return true for PW and EX
   */
  public boolean writesValueBlock() {
    return this == PW || this == EX;
  }
}
