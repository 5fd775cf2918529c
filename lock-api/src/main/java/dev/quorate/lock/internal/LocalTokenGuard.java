package dev.quorate.lock.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link TokenGuard} in memory, or on a {@link TokenFile} shared by the processes of one host:
 * the file's highest token is then read afresh under the file's lock on every access, never cached.
 */
public final class LocalTokenGuard implements TokenGuard {
  private final ReentrantLock lock = new ReentrantLock();
  private final TokenFile file;
  private FencingToken highest;

  private LocalTokenGuard(TokenFile file) {
    this.file = file;
  }

  /**
   * Creates a guard that keeps the highest token in memory only.
   *
   * @return the guard
   */
  public static LocalTokenGuard inMemory() {
    return new LocalTokenGuard(null);
  }

  /**
   * Opens a guard on {@code file}, shared by the processes of this host.
   *
   * @param file where the highest token is kept
   * @return the guard
   * @throws dev.quorate.lock.QuorateException if the file exists but cannot be read as a token file
   */
  public static LocalTokenGuard persistent(Path file) {
    return new LocalTokenGuard(TokenFile.open(file));
  }

  @Override
  public void admit(FencingToken token) {
    access(token, () -> {});
  }

  @Override
  public void access(FencingToken token, Runnable action) {
    Objects.requireNonNull(action, "action");
    access(
        token,
        () -> {
          action.run();
          return null;
        });
  }

  @Override
  public <T> T access(FencingToken token, Supplier<T> action) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(action, "action");
    if (file != null) {
      return file.locked(
          () -> {
            FencingToken stored = file.read().orElse(null);
            if (admits(stored, token)) {
              // Persist before the action: if the write fails, the token was not accepted and the
              // resource must not be touched with it.
              file.store(token);
            }
            return action.get();
          });
    }
    lock.lock();
    try {
      if (admits(highest, token)) {
        highest = token;
      }
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks {@code token} against the highest accepted one.
   *
   * @return true if it is newer (to be recorded), false if equal
   * @throws StaleTokenException if older
   */
  private static boolean admits(FencingToken highest, FencingToken token) {
    if (highest != null && highest.isNewerThan(token)) {
      throw new StaleTokenException(token, highest);
    }
    return highest == null || token.isNewerThan(highest);
  }

  @Override
  public Optional<FencingToken> highest() {
    if (file != null) {
      return file.locked(file::read);
    }
    lock.lock();
    try {
      return Optional.ofNullable(highest);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "TokenGuard[highest="
        + highest().map(FencingToken::toString).orElse("none")
        + (file == null ? ", in memory]" : ", file=" + file + "]");
  }
}
