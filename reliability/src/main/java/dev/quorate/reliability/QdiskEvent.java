package dev.quorate.reliability;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a quorum-disk daemon's event log, times on the host's monotonic clock.
 *
 * @param kind the event kind, e.g. TENURE, MASTER_CHANGED, EVICTED
 * @param node the node the event is about
 * @param term the election term
 * @param at when it happened
 * @param until for TENURE, when the tenure ends
 * @param detail the rest of the line
 */
record QdiskEvent(String kind, int node, long term, long at, long until, String detail) {
  private static final Pattern LINE =
      Pattern.compile("(\\w+) node=(\\d+) term=(\\d+) at=(-?\\d+) until=(-?\\d+) ?(.*)");
  private static final Pattern INCARNATION = Pattern.compile("incarnation (\\d+)");

  static Optional<QdiskEvent> parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new QdiskEvent(
            m.group(1),
            Integer.parseInt(m.group(2)),
            Long.parseLong(m.group(3)),
            Long.parseLong(m.group(4)),
            Long.parseLong(m.group(5)),
            m.group(6)));
  }

  /** For EVICTED: the incarnation that was evicted. */
  long evictedIncarnation() {
    Matcher m = INCARNATION.matcher(detail);
    if (!m.find()) {
      throw new IllegalArgumentException("no incarnation in '" + detail + "'");
    }
    return Long.parseLong(m.group(1));
  }
}
