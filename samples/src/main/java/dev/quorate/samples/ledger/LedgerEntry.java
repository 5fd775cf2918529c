package dev.quorate.samples.ledger;

import dev.quorate.lock.FencingToken;
import java.util.regex.Pattern;

/**
 * One line of the ledger: which writer wrote its how-many-th entry, in which run, under which
 * fencing token.
 *
 * @param token the fencing token of the grant the entry was written under
 * @param writer the writer's name, such as {@code w1}
 * @param number the writer's entry number, from 1
 * @param run the run of the sample that wrote it
 */
public record LedgerEntry(FencingToken token, String writer, int number, String run) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9-]{1,32}");

  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException if a name is not 1 to 32 letters, digits or '-', or the number
   *     is not positive
   */
  public LedgerEntry {
    if (!NAME.matcher(writer).matches() || !NAME.matcher(run).matches() || number < 1) {
      throw new IllegalArgumentException(
          "a ledger entry needs a writer and run of 1-32 letters, digits or '-' and a number from"
              + " 1, got writer '"
              + writer
              + "', number "
              + number
              + ", run '"
              + run
              + "'");
    }
  }

  /**
   * Parses a ledger line.
   *
   * @param line {@code <token> <writer> <entry> <run>}
   * @return the entry
   * @throws IllegalArgumentException if the line is not an entry
   */
  public static LedgerEntry parse(String line) {
    String[] parts = line.split(" ");
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "ledger line '" + line + "' is not '<token> <writer> <entry> <run>'");
    }
    try {
      return new LedgerEntry(
          FencingToken.parse(parts[0]), parts[1], Integer.parseInt(parts[2]), parts[3]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("ledger line '" + line + "' has no entry number", e);
    }
  }

  /**
   * Returns the ledger line.
   *
   * @return {@code <token> <writer> <entry> <run>}
   */
  public String toLine() {
    return token + " " + writer + " " + number + " " + run;
  }
}
