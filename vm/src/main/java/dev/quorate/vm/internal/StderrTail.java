package dev.quorate.vm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Keeps the last few KiB a process wrote to stderr, for error messages. */
final class StderrTail {
  private static final int KEEP = 4096;
  private final StringBuilder text = new StringBuilder();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  static StderrTail follow(InputStream in, String threadName) {
    StderrTail tail = new StderrTail();
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[1024];
              try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  tail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                tail.append("[stderr unreadable: " + e.getMessage() + "]");
              } finally {
                tail.ended.complete(null);
              }
            },
            threadName);
    t.setDaemon(true);
    t.start();
    return tail;
  }

  private synchronized void append(String s) {
    text.append(s);
    if (text.length() > KEEP) {
      text.delete(0, text.length() - KEEP);
    }
  }

  /** The text so far, after waiting up to {@code wait} for the stream to end. */
  String text(Duration wait) throws InterruptedException {
    try {
      ended.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Show what there is.
    }
    synchronized (this) {
      return text.toString().strip();
    }
  }
}
