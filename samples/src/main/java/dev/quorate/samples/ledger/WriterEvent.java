package dev.quorate.samples.ledger;

import dev.quorate.lock.FencingToken;
import java.util.Optional;

/**
 * One line a {@link LedgerWriter} reported.
 *
 * @param writer the writer's name
 * @param kind what happened
 * @param entry the writer's entry number (0 for STARTED and DONE)
 * @param token the lease's token (null for STARTED, LOST and DONE)
 * @param highest for REFUSED, the newer token the ledger had accepted; else null
 * @param detail the rest of the line (the pid of STARTED, the reason of LOST)
 */
record WriterEvent(
    String writer, Kind kind, int entry, FencingToken token, FencingToken highest, String detail) {

  /** The writer's events, in the order a writer reports them. */
  enum Kind {
    STARTED,
    GRANTED,
    PAUSING,
    RESUMED,
    ACCEPTED,
    REFUSED,
    LOST,
    DONE
  }

  /** Parses a writer's line; empty if it is not an event (stray output is ignored). */
  static Optional<WriterEvent> parse(String writer, String line) {
    String[] parts = line.split(" ", 4);
    Kind kind;
    try {
      kind = Kind.valueOf(parts[0]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          switch (kind) {
            case STARTED -> new WriterEvent(writer, kind, 0, null, null, parts[1]);
            case DONE -> new WriterEvent(writer, kind, 0, null, null, "");
            case LOST ->
                new WriterEvent(
                    writer,
                    kind,
                    Integer.parseInt(parts[1]),
                    null,
                    null,
                    line.substring(line.indexOf(' ', 5) + 1));
            case REFUSED ->
                new WriterEvent(
                    writer,
                    kind,
                    Integer.parseInt(parts[1]),
                    FencingToken.parse(parts[2]),
                    FencingToken.parse(parts[3]),
                    "");
            default ->
                new WriterEvent(
                    writer,
                    kind,
                    Integer.parseInt(parts[1]),
                    FencingToken.parse(parts[2]),
                    null,
                    "");
          });
    } catch (RuntimeException e) {
      // A malformed event is a bug in the writer; the check of the ledger reports what is missing.
      return Optional.empty();
    }
  }
}
