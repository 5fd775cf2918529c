package dev.quorate.qdisk.internal;

import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** What went wrong, in words for a log line or an error: never a class name and its dump. */
public final class Problems {
  private Problems() {}

  /**
   * The exception's message; for file-system errors, whose message is only the path, the reason;
   * for a wrapper without its own words, its cause's.
   */
  public static String describe(Throwable e) {
    if (e instanceof UncheckedIOException && e.getCause() != null) {
      return describe(e.getCause());
    }
    if (e instanceof FileSystemException f) {
      String reason =
          f.getReason() != null
              ? f.getReason()
              : e instanceof NoSuchFileException
                  ? "no such file"
                  : e instanceof AccessDeniedException ? "permission denied" : null;
      if (reason != null) {
        return f.getFile() == null ? reason : f.getFile() + ": " + reason;
      }
    }
    if (e instanceof ClosedByInterruptException) {
      return "interrupted, the channel was closed";
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName() + " without a message";
    }
    return message;
  }
}
