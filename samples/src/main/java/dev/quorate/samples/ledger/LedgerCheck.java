package dev.quorate.samples.ledger;

import dev.quorate.lock.FencingToken;
import dev.quorate.samples.ledger.WriterEvent.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ledger sample promises, checked against the ledger file and the writers' reports: the
 * fencing tokens of the entries strictly increase, every write a writer saw accepted is in the
 * ledger exactly once and no other write is, every writer's entries are all there, and the paused
 * writer's stale write was refused and is not in the ledger.
 */
final class LedgerCheck {
  private LedgerCheck() {}

  /**
   * Returns the broken promises, empty if none.
   *
   * @param run the id of this run
   * @param ledger the entries of this run, in file order
   * @param events every writer's events, in the order they arrived
   * @param entriesPerWriter how many entries each writer was asked to write, by name
   * @param pausedWriter the writer that froze itself before a write
   */
  static List<String> problems(
      String run,
      List<LedgerEntry> ledger,
      List<WriterEvent> events,
      Map<String, Integer> entriesPerWriter,
      String pausedWriter) {
    List<String> problems = new ArrayList<>();
    for (int i = 1; i < ledger.size(); i++) {
      if (!ledger.get(i).token().isNewerThan(ledger.get(i - 1).token())) {
        problems.add(
            "entry "
                + (i + 1)
                + " has token "
                + ledger.get(i).token()
                + ", not newer than "
                + ledger.get(i - 1).token()
                + " of the entry before it");
      }
    }
    Map<String, Integer> copies = new HashMap<>();
    for (LedgerEntry entry : ledger) {
      copies.merge(entry.toLine(), 1, Integer::sum);
    }
    List<String> accepted = new ArrayList<>();
    for (WriterEvent event : events) {
      if (event.kind() == Kind.ACCEPTED) {
        String line = new LedgerEntry(event.token(), event.writer(), event.entry(), run).toLine();
        accepted.add(line);
        int count = copies.getOrDefault(line, 0);
        if (count != 1) {
          problems.add(
              event.writer()
                  + " saw entry "
                  + event.entry()
                  + " accepted with token "
                  + event.token()
                  + ", but the ledger holds it "
                  + count
                  + " times");
        }
      }
    }
    for (LedgerEntry entry : ledger) {
      if (!accepted.contains(entry.toLine())) {
        problems.add("the ledger holds '" + entry.toLine() + "', which no writer saw accepted");
      }
    }
    entriesPerWriter.forEach(
        (writer, count) -> {
          for (int n = 1; n <= count; n++) {
            int number = n;
            long found =
                ledger.stream()
                    .filter(e -> e.writer().equals(writer) && e.number() == number)
                    .count();
            if (found != 1) {
              problems.add(writer + "'s entry " + n + " is in the ledger " + found + " times");
            }
          }
        });
    problems.addAll(staleWriteRefused(ledger, events, pausedWriter));
    return problems;
  }

  private static List<String> staleWriteRefused(
      List<LedgerEntry> ledger, List<WriterEvent> events, String pausedWriter) {
    FencingToken paused =
        events.stream()
            .filter(e -> e.writer().equals(pausedWriter) && e.kind() == Kind.PAUSING)
            .map(WriterEvent::token)
            .findFirst()
            .orElse(null);
    if (paused == null) {
      return List.of(pausedWriter + " never paused");
    }
    List<String> problems = new ArrayList<>();
    boolean refused =
        events.stream()
            .anyMatch(
                e ->
                    e.writer().equals(pausedWriter)
                        && e.kind() == Kind.REFUSED
                        && e.token().equals(paused)
                        && e.highest().isNewerThan(paused));
    if (!refused) {
      problems.add(pausedWriter + "'s write with its stale token " + paused + " was not refused");
    }
    if (ledger.stream().anyMatch(e -> e.token().equals(paused))) {
      problems.add("the ledger holds a write with " + pausedWriter + "'s stale token " + paused);
    }
    boolean takenOver =
        ledger.stream()
            .anyMatch(e -> !e.writer().equals(pausedWriter) && e.token().isNewerThan(paused));
    if (!takenOver) {
      problems.add("no other writer wrote with a token newer than the stale " + paused);
    }
    return problems;
  }
}
