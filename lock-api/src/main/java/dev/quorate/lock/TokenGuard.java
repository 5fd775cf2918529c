package dev.quorate.lock;

import dev.quorate.lock.internal.LocalTokenGuard;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The resource side of fencing: accepts a {@link FencingToken} only if it is not older than the
 * newest token accepted so far. Put one in front of every resource a lock protects.
 *
 * <p>Why: a holder can be paused after {@code lease.checkValid()} succeeded and resume after its
 * lease was lost and granted to someone else, who has written since. Only the resource can tell,
 * because only it sees both writes. With {@link #access} the check and the write happen under one
 * guard, so no newer holder can slip in between:
 *
 * <pre>{@code
 * TokenGuard guard = TokenGuard.persistent(Path.of("/var/lib/app/ledger.token"));
 * guard.access(lease.token(), () -> ledger.append(entry)); // StaleTokenException if stale
 * }</pre>
 *
 * <p>Thread-safe: concurrent calls are serialized. A persistent guard survives restarts, and the
 * processes of one host may share its file: each access reads, checks and writes the file under an
 * operating-system lock on a sibling file {@code <name>.lock}, held while the action runs, so a
 * process never accepts a token older than one another process accepted. (Guards on one file in
 * different hosts, over a network file system, are not supported: put the guard where the resource
 * is.) The file is written to a temporary file, forced to disk, and renamed over the old one, and a
 * corrupt or foreign file is an error, never silently reset.
 */
public interface TokenGuard {
  /**
   * Creates a guard that remembers the highest token in memory only.
   *
   * @return a new guard that has accepted nothing
   */
  static TokenGuard inMemory() {
    return LocalTokenGuard.inMemory();
  }

  /**
   * Opens a guard that keeps the highest token in {@code file}, creating the file on the first
   * accepted token if it does not exist. Other processes of this host may open guards on the same
   * file; they then guard one resource together.
   *
   * @param file where the highest token is kept
   * @return the guard
   * @throws QuorateException with {@link ErrorCode#CORRUPT_DATA} if the file exists but is not a
   *     valid token file, or {@link ErrorCode#IO_FAILURE} if it cannot be read
   */
  static TokenGuard persistent(Path file) {
    return LocalTokenGuard.persistent(file);
  }

  /**
   * Accepts {@code token} if it is not older than the highest accepted token, and makes it the
   * highest.
   *
   * @param token the token shown by the caller
   * @throws StaleTokenException if a newer token was accepted before
   * @throws QuorateException with {@link ErrorCode#IO_FAILURE} if a persistent guard cannot record
   *     the token (it is then not accepted)
   */
  void admit(FencingToken token);

  /**
   * Accepts {@code token} as {@link #admit} does and runs {@code action} before any other token can
   * be admitted.
   *
   * @param token the token shown by the caller
   * @param action the access to the resource
   * @throws StaleTokenException if a newer token was accepted before; the action does not run
   */
  void access(FencingToken token, Runnable action);

  /**
   * Accepts {@code token} as {@link #admit} does and computes {@code action} before any other token
   * can be admitted.
   *
   * @param <T> the result type
   * @param token the token shown by the caller
   * @param action the access to the resource
   * @return what {@code action} returned
   * @throws StaleTokenException if a newer token was accepted before; the action does not run
   */
  <T> T access(FencingToken token, Supplier<T> action);

  /**
   * Returns the highest accepted token.
   *
   * @return the token, or empty if none was accepted
   */
  Optional<FencingToken> highest();
}
