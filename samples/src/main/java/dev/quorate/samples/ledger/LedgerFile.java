package dev.quorate.samples.ledger;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared resource of the ledger sample: an append-only text file that several processes write,
 * with a persistent {@link TokenGuard} kept next to it ({@code ledger.token}).
 *
 * <p>Every append takes an exclusive operating-system lock on {@code ledger.lock} and opens the
 * guard afresh under it, so the guard's highest token is the one on disk, whichever process
 * recorded it, and the check and the append happen as one step across all processes. (One {@code
 * TokenGuard} object per process would not do: each would remember only its own highest token.) The
 * lock file is held for one append only, never while waiting for the Quorate lock, so a paused
 * writer cannot block the resource.
 *
 * <p>Line format: {@code <token> <writer> <entry> <run>}.
 */
public final class LedgerFile {
  private final Path ledger;
  private final Path tokenFile;
  private final Path lockFile;

  /**
   * Opens the ledger in {@code dir} (created if missing; files are created on the first append).
   *
   * @param dir the directory of {@code ledger.txt}, {@code ledger.token} and {@code ledger.lock}
   */
  public LedgerFile(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the ledger directory " + dir, e);
    }
    this.ledger = dir.resolve("ledger.txt");
    this.tokenFile = dir.resolve("ledger.token");
    this.lockFile = dir.resolve("ledger.lock");
  }

  /**
   * Appends one entry if {@code token} is not older than any token the ledger has accepted.
   *
   * @param entry the entry
   * @throws StaleTokenException if a newer token was accepted before; nothing is written
   */
  public void append(LedgerEntry entry) {
    try (FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.lock(); // released when the channel closes, also if this process dies
      TokenGuard guard = TokenGuard.persistent(tokenFile);
      guard.access(entry.token(), () -> write(entry.toLine()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }

  /**
   * Returns the newest token the ledger has accepted.
   *
   * @return the token, or null if the ledger accepted none yet
   */
  public FencingToken highest() {
    return TokenGuard.persistent(tokenFile).highest().orElse(null);
  }

  /**
   * Reads every entry, in file order.
   *
   * @return the entries; empty if the ledger does not exist yet
   * @throws IllegalStateException if a line is not a ledger entry
   */
  public List<LedgerEntry> entries() {
    if (!Files.exists(ledger)) {
      return List.of();
    }
    List<LedgerEntry> entries = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
        entries.add(LedgerEntry.parse(line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ledger, e);
    }
    return entries;
  }

  /**
   * Returns the ledger's text file.
   *
   * @return the path of {@code ledger.txt}
   */
  public Path path() {
    return ledger;
  }

  private void write(String line) {
    try {
      Files.writeString(
          ledger,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.DSYNC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + ledger, e);
    }
  }
}
