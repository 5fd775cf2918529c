package dev.quorate.nbd.internal;

import dev.quorate.lock.QuorateException;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.nbd.ExportName;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixed newstyle handshake, from the server's greeting to the open of one export.
 *
 * <p>Bounded: at most {@link #MAX_OPTIONS} options of at most {@link #MAX_OPTION_BYTES} bytes each;
 * the wall-clock bound is the connection's handshake deadline. Options this server does not know
 * are answered with {@code NBD_REP_ERR_UNSUP}, so clients such as QEMU fall back (structured
 * replies, meta contexts, TLS).
 */
final class Handshake {
  static final int MAX_OPTIONS = 64;
  static final int MAX_OPTION_BYTES = 8192;
  private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);

  private final Map<String, Export> exports;
  private final int maxRequestBytes;
  private final String peer;

  Handshake(Map<String, Export> exports, int maxRequestBytes, String peer) {
    this.exports = exports;
    this.maxRequestBytes = maxRequestBytes;
    this.peer = peer;
  }

  /**
   * Runs the handshake.
   *
   * @return the opened export, or empty if the client aborted or its export could not be opened
   *     after {@code NBD_OPT_EXPORT_NAME} (which has no error reply; the reason is logged)
   * @throws ProtocolViolation if the client broke the protocol; the connection must be closed
   * @throws IOException if the connection failed
   */
  Optional<ExportHandle> run(DataInputStream in, DataOutputStream out)
      throws IOException, ProtocolViolation {
    out.writeLong(Protocol.NBDMAGIC);
    out.writeLong(Protocol.IHAVEOPT);
    out.writeShort(Protocol.FLAG_FIXED_NEWSTYLE | Protocol.FLAG_NO_ZEROES);
    out.flush();
    int clientFlags = in.readInt();
    if ((clientFlags & ~Protocol.KNOWN_CLIENT_FLAGS) != 0) {
      throw new ProtocolViolation(
          String.format(
              "unknown client flags 0x%08x (known: FIXED_NEWSTYLE 0x1, NO_ZEROES 0x2)",
              clientFlags));
    }
    if ((clientFlags & Protocol.CLIENT_FLAG_FIXED_NEWSTYLE) == 0) {
      throw new ProtocolViolation(
          String.format(
              "client flags 0x%08x lack FIXED_NEWSTYLE; this server speaks fixed newstyle only",
              clientFlags));
    }
    boolean noZeroes = (clientFlags & Protocol.CLIENT_FLAG_NO_ZEROES) != 0;
    for (int count = 0; count < MAX_OPTIONS; count++) {
      long magic = in.readLong();
      if (magic != Protocol.IHAVEOPT) {
        throw new ProtocolViolation(String.format("option magic 0x%016x is not IHAVEOPT", magic));
      }
      int option = in.readInt();
      long length = Integer.toUnsignedLong(in.readInt());
      if (length > MAX_OPTION_BYTES) {
        throw new ProtocolViolation(
            "option " + option + " has " + length + " bytes of data, at most " + MAX_OPTION_BYTES);
      }
      byte[] data = new byte[(int) length];
      in.readFully(data);
      switch (option) {
        case Protocol.OPT_EXPORT_NAME:
          return exportName(new String(data, StandardCharsets.UTF_8), noZeroes, out);
        case Protocol.OPT_GO:
        case Protocol.OPT_INFO:
          Optional<ExportHandle> opened = infoOrGo(option, data, out);
          if (opened.isPresent()) {
            return opened;
          }
          break;
        case Protocol.OPT_LIST:
          list(data, out);
          break;
        case Protocol.OPT_ABORT:
          reply(out, option, Protocol.REP_ACK, new byte[0]);
          return Optional.empty();
        default:
          error(out, option, Protocol.REP_ERR_UNSUP, "option " + option + " is not supported");
      }
    }
    throw new ProtocolViolation("more than " + MAX_OPTIONS + " options in one handshake");
  }

  private Optional<ExportHandle> exportName(String name, boolean noZeroes, DataOutputStream out)
      throws IOException {
    ExportHandle handle;
    try {
      handle = resolve(name).open(ExportName.parse(name), peer);
    } catch (Refusal e) {
      LOG.warn("NBD_OPT_EXPORT_NAME from {} refused, closing: {}", peer, e.getMessage());
      return Optional.empty();
    } catch (QuorateException e) {
      LOG.warn("NBD_OPT_EXPORT_NAME '{}' from {} refused, closing: {}", name, peer, e.getMessage());
      return Optional.empty();
    }
    try {
      out.writeLong(handle.export().size());
      out.writeShort(Protocol.TRANSMISSION_FLAGS);
      if (!noZeroes) {
        out.write(new byte[Protocol.EXPORT_NAME_PADDING]);
      }
      out.flush();
      return Optional.of(handle);
    } catch (IOException e) {
      handle.close();
      throw e;
    }
  }

  private Optional<ExportHandle> infoOrGo(int option, byte[] data, DataOutputStream out)
      throws IOException {
    String what = option == Protocol.OPT_GO ? "NBD_OPT_GO" : "NBD_OPT_INFO";
    ByteBuffer buffer = ByteBuffer.wrap(data);
    if (data.length < 6) {
      error(out, option, Protocol.REP_ERR_INVALID, what + " data is " + data.length + " bytes");
      return Optional.empty();
    }
    long nameLength = Integer.toUnsignedLong(buffer.getInt());
    if (nameLength > data.length - 6) {
      error(
          out,
          option,
          Protocol.REP_ERR_INVALID,
          what + " name length " + nameLength + " exceeds its " + data.length + " bytes of data");
      return Optional.empty();
    }
    String name = new String(data, 4, (int) nameLength, StandardCharsets.UTF_8);
    buffer.position(4 + (int) nameLength);
    int requests = Short.toUnsignedInt(buffer.getShort());
    if (buffer.remaining() != 2 * requests) {
      error(
          out,
          option,
          Protocol.REP_ERR_INVALID,
          what
              + " announces "
              + requests
              + " info requests but carries "
              + buffer.remaining()
              + " bytes for them");
      return Optional.empty();
    }
    boolean blockSize = false;
    for (int i = 0; i < requests; i++) {
      blockSize |= buffer.getShort() == Protocol.INFO_BLOCK_SIZE;
    }
    Export export;
    ExportHandle handle = null;
    try {
      // INFO admits nothing, so it may describe an export named without a token (qemu-nbd
      // --list asks that way); with a token it says whether an open would be refused.
      boolean describeOnly = option == Protocol.OPT_INFO && name.indexOf('@') < 0;
      export = describeOnly ? exportNamed(name) : resolve(name);
      if (option == Protocol.OPT_GO) {
        handle = export.open(ExportName.parse(name), peer);
      } else if (!describeOnly) {
        export.checkOpenable(ExportName.parse(name).token());
      }
    } catch (Refusal e) {
      LOG.info("{} from {} refused: {}", what, peer, e.getMessage());
      error(out, option, e.reply, e.getMessage());
      return Optional.empty();
    } catch (StaleTokenException e) {
      LOG.warn("{} '{}' from {} refused: {}", what, name, peer, e.getMessage());
      error(out, option, Protocol.REP_ERR_POLICY, "export '" + name + "': " + e.getMessage());
      return Optional.empty();
    } catch (QuorateException e) {
      LOG.error("{} '{}' from {} failed: {}", what, name, peer, e.getMessage());
      error(out, option, Protocol.REP_ERR_POLICY, "export '" + name + "': " + e.getMessage());
      return Optional.empty();
    }
    try {
      ByteBuffer info = ByteBuffer.allocate(12);
      info.putShort(Protocol.INFO_EXPORT).putLong(export.size());
      info.putShort(Protocol.TRANSMISSION_FLAGS);
      reply(out, option, Protocol.REP_INFO, info.array());
      if (blockSize) {
        ByteBuffer sizes = ByteBuffer.allocate(14);
        sizes.putShort(Protocol.INFO_BLOCK_SIZE).putInt(1).putInt(4096).putInt(maxRequestBytes);
        reply(out, option, Protocol.REP_INFO, sizes.array());
      }
      reply(out, option, Protocol.REP_ACK, new byte[0]);
      return Optional.ofNullable(handle);
    } catch (IOException e) {
      if (handle != null) {
        handle.close();
      }
      throw e;
    }
  }

  /** The export a name asks for; its token is checked by the caller. */
  private Export resolve(String name) throws Refusal {
    int at = name.lastIndexOf('@');
    Export export = exportNamed(at < 0 ? name : name.substring(0, at));
    try {
      ExportName.parse(name);
    } catch (IllegalArgumentException e) {
      throw new Refusal(Protocol.REP_ERR_POLICY, e.getMessage());
    }
    return export;
  }

  private Export exportNamed(String exportName) throws Refusal {
    Export export = exports.get(exportName);
    if (export == null) {
      throw new Refusal(
          Protocol.REP_ERR_UNKNOWN,
          "no export '" + exportName + "'; this server has " + exports.keySet());
    }
    return export;
  }

  private void list(byte[] data, DataOutputStream out) throws IOException {
    if (data.length != 0) {
      error(out, Protocol.OPT_LIST, Protocol.REP_ERR_INVALID, "NBD_OPT_LIST carries no data");
      return;
    }
    for (String name : exports.keySet()) {
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      ByteBuffer entry = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes);
      reply(out, Protocol.OPT_LIST, Protocol.REP_SERVER, entry.array());
    }
    reply(out, Protocol.OPT_LIST, Protocol.REP_ACK, new byte[0]);
  }

  private static void error(DataOutputStream out, int option, int type, String message)
      throws IOException {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    if (text.length > Protocol.MAX_STRING_BYTES) {
      text = Arrays.copyOf(text, Protocol.MAX_STRING_BYTES);
    }
    reply(out, option, type, text);
  }

  private static void reply(DataOutputStream out, int option, int type, byte[] data)
      throws IOException {
    out.writeLong(Protocol.OPTION_REPLY_MAGIC);
    out.writeInt(option);
    out.writeInt(type);
    out.writeInt(data.length);
    out.write(data);
    out.flush();
  }

  /** An export name this server will not open, with the option reply that says why. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int reply;

    Refusal(int reply, String message) {
      super(message);
      this.reply = reply;
    }
  }
}
