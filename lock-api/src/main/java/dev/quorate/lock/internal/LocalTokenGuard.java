package dev.quorate.lock.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A {@link TokenGuard} in this process, optionally backed by a {@link TokenFile}. */
public final class LocalTokenGuard implements TokenGuard {
  private final ReentrantLock lock = new ReentrantLock();
  private final TokenFile file;
  private FencingToken highest;

  /**
   * Creates the guard.
   *
   * @param file where to persist the highest token, or null to keep it in memory only
   */
  public LocalTokenGuard(TokenFile file) {
    this.file = file;
    this.highest = file == null ? null : file.stored().orElse(null);
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
    lock.lock();
    try {
      if (highest != null && highest.isNewerThan(token)) {
        throw new StaleTokenException(token, highest);
      }
      if (highest == null || token.isNewerThan(highest)) {
        // Persist before raising: if the write fails, the token was not accepted and the
        // resource must not be touched with it.
        if (file != null) {
          file.store(token);
        }
        highest = token;
      }
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<FencingToken> highest() {
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
