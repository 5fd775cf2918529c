package dev.quorate.quorum.internal;

/** A permit or leadership held through the gate, which the gate ends LOST when quorum is lost. */
interface Revocable {
  /**
   * Ends the grant LOST with {@code cause} and gives the inner grant back, unless it has ended.
   *
   * @param cause why, for the listeners
   */
  void revoke(String cause);
}
