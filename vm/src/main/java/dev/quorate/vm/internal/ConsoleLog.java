package dev.quorate.vm.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.vm.ConsoleLine;
import dev.quorate.vm.VmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** The guest's serial console as QEMU prints it on its standard output, one reader thread. */
final class ConsoleLog {
  private final String guest;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<ConsoleLine> lines = new ArrayList<>();
  private boolean ended;

  ConsoleLog(String guest) {
    this.guest = guest;
  }

  void follow(InputStream stdout) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  add(new ConsoleLine(line.replace("\r", ""), System.nanoTime()));
                }
              } catch (IOException e) {
                // The process was killed while we read: the console simply ends.
              } finally {
                end();
              }
            },
            "console-" + guest);
    t.setDaemon(true);
    t.start();
  }

  private void add(ConsoleLine line) {
    lock.lock();
    try {
      lines.add(line);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void end() {
    lock.lock();
    try {
      ended = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until QEMU's stdout is read to its end, so no printed line is missing afterwards. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!ended) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  List<ConsoleLine> snapshot() {
    lock.lock();
    try {
      return List.copyOf(lines);
    } finally {
      lock.unlock();
    }
  }

  ConsoleLine await(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    lock.lock();
    try {
      while (true) {
        for (; checked < lines.size(); checked++) {
          if (match.test(lines.get(checked).text())) {
            return lines.get(checked);
          }
        }
        if (ended) {
          throw new VmException(
              ErrorCode.IO_FAILURE,
              guest
                  + "'s console ended (QEMU exited) before the awaited line; last lines: "
                  + tail());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new VmException(
              ErrorCode.LOCK_TIMEOUT,
              guest
                  + " printed no awaited console line within "
                  + timeout
                  + "; last lines: "
                  + tail());
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private String tail() {
    return lines.subList(Math.max(0, lines.size() - 5), lines.size()).stream()
        .map(ConsoleLine::text)
        .toList()
        .toString();
  }
}
