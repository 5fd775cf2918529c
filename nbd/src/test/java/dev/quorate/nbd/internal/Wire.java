package dev.quorate.nbd.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Client bytes for tests: options and requests written as a client would. */
final class Wire {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  static Wire client(int flags) {
    return new Wire().int32(flags);
  }

  static Wire fixedNewstyle() {
    return client(Protocol.CLIENT_FLAG_FIXED_NEWSTYLE | Protocol.CLIENT_FLAG_NO_ZEROES);
  }

  Wire int32(int value) {
    try {
      out.writeInt(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  Wire int64(long value) {
    try {
      out.writeLong(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  Wire int16(int value) {
    try {
      out.writeShort(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  Wire raw(byte[] data) {
    bytes.write(data, 0, data.length);
    return this;
  }

  Wire option(int option, byte[] data) {
    return int64(Protocol.IHAVEOPT).int32(option).int32(data.length).raw(data);
  }

  Wire go(String name, int... infoRequests) {
    return option(Protocol.OPT_GO, goData(name, infoRequests));
  }

  static byte[] goData(String name, int... infoRequests) {
    byte[] text = name.getBytes(StandardCharsets.UTF_8);
    Wire data = new Wire().int32(text.length).raw(text).int16(infoRequests.length);
    for (int request : infoRequests) {
      data.int16(request);
    }
    return data.bytes();
  }

  Wire request(int flags, int type, long cookie, long offset, long length) {
    return int32(Protocol.REQUEST_MAGIC)
        .int16(flags)
        .int16(type)
        .int64(cookie)
        .int64(offset)
        .int32((int) length);
  }

  byte[] bytes() {
    return bytes.toByteArray();
  }

  /** An option reply as read from the server. */
  record OptionReply(int option, int type, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  static OptionReply readOptionReply(DataInputStream in) throws IOException {
    long magic = in.readLong();
    if (magic != Protocol.OPTION_REPLY_MAGIC) {
      throw new IOException("bad option reply magic " + Long.toHexString(magic));
    }
    int option = in.readInt();
    int type = in.readInt();
    byte[] data = new byte[in.readInt()];
    in.readFully(data);
    return new OptionReply(option, type, data);
  }

  /** A simple reply's header as read from the server. */
  record SimpleReply(int error, long cookie) {}

  static SimpleReply readSimpleReply(DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != Protocol.SIMPLE_REPLY_MAGIC) {
      throw new IOException("bad simple reply magic " + Integer.toHexString(magic));
    }
    return new SimpleReply(in.readInt(), in.readLong());
  }

  /** Skips the server's greeting and checks it. */
  static void readGreeting(DataInputStream in) throws IOException {
    if (in.readLong() != Protocol.NBDMAGIC || in.readLong() != Protocol.IHAVEOPT) {
      throw new IOException("bad greeting");
    }
    in.readShort();
  }
}
