package dev.quorate.nbd.internal;

/**
 * A client broke the NBD protocol in a way that leaves no reply to give (bad magic, unknown client
 * flags, a payload too large to skip): the server logs the message, naming the bad value, and
 * closes the connection.
 */
final class ProtocolViolation extends Exception {
  private static final long serialVersionUID = 1L;

  ProtocolViolation(String message) {
    super(message);
  }
}
