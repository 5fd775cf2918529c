package dev.quorate.qdisk;

import java.util.Locale;

/**
 * A message in a node's mailbox. EVICT, RESET and OFF make the node fence itself; TEST is logged;
 * CLEAR empties the mailbox.
 *
 * <pre>{@code
 * MessageType type = MessageType.fromName("reset"); // RESET
 * boolean fatal = type.fencesTarget(); // true
 * }</pre>
 */
public enum MessageType {
  /** An empty mailbox. */
  CLEAR(0),
  /** Checks the path to the node: it logs the message and does nothing else. */
  TEST(1),
  /** Written by the master for a node it declared DOWN. */
  EVICT(2),
  /** Poison pill: fence and restart. */
  RESET(3),
  /** Poison pill: fence and stay off. */
  OFF(4);

  private final int code;

  MessageType(int code) {
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
   * Tells whether the target must fence itself when it reads this message.
   *
   * @return true for EVICT, RESET and OFF
   */
  public boolean fencesTarget() {
    return this == EVICT || this == RESET || this == OFF;
  }

  /**
   * Returns the type stored as the given code.
   *
   * @param code the stored value
   * @return the type
   * @throws IllegalArgumentException if no type has that code
   */
  public static MessageType fromCode(int code) {
    for (MessageType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown message code " + code);
  }

  /**
   * Returns the type with the given name.
   *
   * @param name such as {@code "reset"}; case does not matter
   * @return the type
   * @throws IllegalArgumentException naming the accepted names if none matches
   */
  public static MessageType fromName(String name) {
    for (MessageType t : values()) {
      if (t.name().equals(name.toUpperCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown message '" + name + "': expected one of clear, test, evict, reset, off");
  }
}
