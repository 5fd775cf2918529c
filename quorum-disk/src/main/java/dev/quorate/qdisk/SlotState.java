package dev.quorate.qdisk;

/**
 * What a node says about itself in its heartbeat slot.
 *
 * <pre>{@code
 * if (slot.state() == SlotState.MASTER) {
 *   log.info("node {} claims the master role, term {}", slot.nodeId(), slot.term());
 * }
 * }</pre>
 */
public enum SlotState {
  /** Never written since the disk was formatted. */
  EMPTY(0),
  /** Started, learning who else is alive before taking part in elections. */
  INIT(1),
  /** Running and voting. */
  RUN(2),
  /** Bidding to become master. */
  BID(3),
  /** The master: its partition receives the disk's votes. */
  MASTER(4),
  /** Stopped cleanly; peers need not evict it. */
  STOPPED(5);

  private final int code;

  SlotState(int code) {
    this.code = code;
  }

  /**
   * Returns the value stored on disk.
   *
   * @return the code
   */
  public int code() {
    return code;
  }

  /**
   * Returns the state stored as the given code.
   *
   * @param code the stored value
   * @return the state
   * @throws IllegalArgumentException if no state has that code
   */
  public static SlotState fromCode(int code) {
    for (SlotState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown slot state code " + code);
  }
}
