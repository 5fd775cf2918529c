package dev.quorate.nbd.internal;

import java.nio.ByteBuffer;

/**
 * One request header of the transmission phase, as sent: 28 bytes, then the payload of a write.
 *
 * @param flags the command flags
 * @param type the command
 * @param cookie the client's handle, echoed in the reply
 * @param offset the offset, unsigned (negative here means beyond 2^63)
 * @param length the length, unsigned
 */
record Request(int flags, int type, long cookie, long offset, long length) {
  static final int HEADER_BYTES = 28;

  /**
   * Decodes a header.
   *
   * @throws ProtocolViolation if the magic is wrong: the stream cannot be resynchronised
   */
  static Request decode(byte[] header) throws ProtocolViolation {
    ByteBuffer buffer = ByteBuffer.wrap(header, 0, HEADER_BYTES);
    int magic = buffer.getInt();
    if (magic != Protocol.REQUEST_MAGIC) {
      throw new ProtocolViolation(
          String.format(
              "request magic 0x%08x is not 0x%08x (NBD_REQUEST_MAGIC)",
              magic, Protocol.REQUEST_MAGIC));
    }
    int flags = Short.toUnsignedInt(buffer.getShort());
    int type = Short.toUnsignedInt(buffer.getShort());
    long cookie = buffer.getLong();
    long offset = buffer.getLong();
    long length = Integer.toUnsignedLong(buffer.getInt());
    return new Request(flags, type, cookie, offset, length);
  }

  /** Whether [offset, offset + length) lies inside an export of {@code size} bytes. */
  boolean within(long size) {
    return offset >= 0 && offset <= size && length <= size - offset;
  }

  /** Whether the flags are ones this server accepts (FUA only, valid on every command). */
  boolean flagsKnown() {
    return (flags & ~Protocol.CMD_FLAG_FUA) == 0;
  }

  boolean forceUnitAccess() {
    return (flags & Protocol.CMD_FLAG_FUA) != 0;
  }

  static String commandName(int type) {
    switch (type) {
      case Protocol.CMD_READ:
        return "READ";
      case Protocol.CMD_WRITE:
        return "WRITE";
      case Protocol.CMD_DISC:
        return "DISC";
      case Protocol.CMD_FLUSH:
        return "FLUSH";
      case Protocol.CMD_TRIM:
        return "TRIM";
      default:
        return "command " + type;
    }
  }

  @Override
  public String toString() {
    return commandName(type)
        + "[offset="
        + Long.toUnsignedString(offset)
        + ", length="
        + length
        + ", flags=0x"
        + Integer.toHexString(flags)
        + "]";
  }
}
