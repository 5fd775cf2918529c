package dev.quorate.nbd.internal;

/**
 * The numbers of the NBD protocol this server speaks (the NBD project's {@code doc/proto.md}):
 * fixed newstyle handshake, simple replies only.
 */
final class Protocol {
  static final long NBDMAGIC = 0x4e42444d41474943L;
  static final long IHAVEOPT = 0x49484156454F5054L;
  static final long OPTION_REPLY_MAGIC = 0x0003e889045565a9L;
  static final int REQUEST_MAGIC = 0x25609513;
  static final int SIMPLE_REPLY_MAGIC = 0x67446698;

  // Handshake flags (server) and client flags.
  static final short FLAG_FIXED_NEWSTYLE = 1;
  static final short FLAG_NO_ZEROES = 1 << 1;
  static final int CLIENT_FLAG_FIXED_NEWSTYLE = 1;
  static final int CLIENT_FLAG_NO_ZEROES = 1 << 1;
  static final int KNOWN_CLIENT_FLAGS = CLIENT_FLAG_FIXED_NEWSTYLE | CLIENT_FLAG_NO_ZEROES;

  // Options.
  static final int OPT_EXPORT_NAME = 1;
  static final int OPT_ABORT = 2;
  static final int OPT_LIST = 3;
  static final int OPT_INFO = 6;
  static final int OPT_GO = 7;

  // Option reply types.
  static final int REP_ACK = 1;
  static final int REP_SERVER = 2;
  static final int REP_INFO = 3;
  static final int REP_ERR_UNSUP = 0x80000001;
  static final int REP_ERR_POLICY = 0x80000002;
  static final int REP_ERR_INVALID = 0x80000003;
  static final int REP_ERR_UNKNOWN = 0x80000006;

  // NBD_REP_INFO types.
  static final short INFO_EXPORT = 0;
  static final short INFO_BLOCK_SIZE = 3;

  // Transmission flags: what this server offers. No multi-conn: revocation is per connection and
  // a client that spreads one disk over several connections would see some fail before others.
  static final short TFLAG_HAS_FLAGS = 1;
  static final short TFLAG_SEND_FLUSH = 1 << 2;
  static final short TFLAG_SEND_FUA = 1 << 3;
  static final short TFLAG_SEND_TRIM = 1 << 5;
  static final short TRANSMISSION_FLAGS =
      TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_TRIM;

  // Commands and command flags.
  static final int CMD_READ = 0;
  static final int CMD_WRITE = 1;
  static final int CMD_DISC = 2;
  static final int CMD_FLUSH = 3;
  static final int CMD_TRIM = 4;
  static final int CMD_FLAG_FUA = 1;

  // Error values of simple replies.
  static final int EPERM = 1;
  static final int EIO = 5;
  static final int EINVAL = 22;
  static final int ENOSPC = 28;
  static final int ESHUTDOWN = 108;

  /** The length of the 124 reserved zero bytes after NBD_OPT_EXPORT_NAME without NO_ZEROES. */
  static final int EXPORT_NAME_PADDING = 124;

  /** Longest string (export name, message) the protocol allows. */
  static final int MAX_STRING_BYTES = 4096;

  private Protocol() {}
}
