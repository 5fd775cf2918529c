package dev.quorate.zk.internal;

import dev.quorate.lock.LockMode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request node under a resource's container node, as read from its name. The name carries the
 * mode, and for a conversion the sequence number of the lease's first node (its place in the
 * queue), so one {@code getChildren} tells every client the whole queue without reading data.
 *
 * <p>Names: {@code [_c_<uuid>-]<MODE>-<seq>} for a request, {@code [_c_<uuid>-]<MODE>+<pos>-<seq>}
 * for a conversion of the lease whose first node had sequence {@code pos}. The optional prefix is
 * Curator's protection, which lets a create whose reply was lost find its node again.
 *
 * @param name the child name
 * @param mode the mode the node asks for
 * @param seq the sequence number ZooKeeper appended
 * @param position the sequence number of the lease's first node ({@code seq} for a request)
 */
record LockNode(String name, LockMode mode, long seq, long position) {
  private static final Pattern NAME =
      Pattern.compile("(?:_c_[0-9a-fA-F-]{36}-)?(NL|CR|CW|PR|PW|EX)(?:\\+(\\d{10}))?-(\\d{10,})");

  /** Says whether this node converts an existing lease rather than asking for a new one. */
  boolean isConversion() {
    return position != seq;
  }

  /** The name prefix to create a request for {@code mode}; ZooKeeper appends the sequence. */
  static String requestPrefix(LockMode mode) {
    return mode.name() + "-";
  }

  /** The name prefix to create a conversion to {@code mode} of the lease at {@code position}. */
  static String conversionPrefix(LockMode mode, long position) {
    return String.format("%s+%010d-", mode.name(), position);
  }

  /** Parses a child name; empty for names this protocol did not make. */
  static Optional<LockNode> parse(String name) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    long seq = Long.parseLong(m.group(3));
    long position = m.group(2) == null ? seq : Long.parseLong(m.group(2));
    return Optional.of(new LockNode(name, LockMode.valueOf(m.group(1)), seq, position));
  }
}
