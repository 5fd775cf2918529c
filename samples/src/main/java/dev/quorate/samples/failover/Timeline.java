package dev.quorate.samples.failover;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The demo's output and its memory: every line is stamped with the milliseconds since the current
 * scene began, every event from the hosts and the disks is kept so the demo can wait for it (with a
 * bound) and check what it promised. A broken promise is printed as UNEXPECTED and makes the demo
 * fail.
 */
final class Timeline {
  /**
   * One event, as received.
   *
   * @param atNanos when it arrived, on this process's monotonic clock
   * @param source who reported it: a host, a disk, a member
   * @param event what happened
   */
  record Entry(long atNanos, String source, AgentEvent event) {
    boolean is(String from, String kind) {
      return source.equals(from) && event.kind().equals(kind);
    }
  }

  private final PrintStream out;
  private final long demoStart = System.nanoTime();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final List<Entry> entries = new ArrayList<>();
  private long sceneStart = demoStart;
  private boolean ok = true;

  Timeline(PrintStream out) {
    this.out = out;
  }

  /** Starts a scene: later stamps count from now. */
  void scene(String title) {
    lock.lock();
    try {
      sceneStart = System.nanoTime();
      out.println();
      out.println("== " + title);
    } finally {
      lock.unlock();
    }
  }

  /** Prints a line of the demo itself. */
  void say(String format, Object... args) {
    print(System.nanoTime(), "demo", String.format(format, args));
  }

  /** Prints an explanation without a stamp. */
  void note(String text) {
    lock.lock();
    try {
      out.println("             " + text);
    } finally {
      lock.unlock();
    }
  }

  /** Keeps and prints an event. */
  void record(String source, AgentEvent event) {
    long now = System.nanoTime();
    lock.lock();
    try {
      entries.add(new Entry(now, source, event));
      arrived.signalAll();
      print(now, source, event.text());
    } finally {
      lock.unlock();
    }
  }

  /** Returns a position: {@link #await} looks only at events from there on. */
  int mark() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the first event from {@code from} on that matches; a timeout is a broken promise.
   *
   * @param what what is awaited, in words, for the failure message
   */
  Optional<Entry> await(int from, String what, Duration timeout, Predicate<Entry> matches)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      int next = from;
      while (true) {
        for (; next < entries.size(); next++) {
          if (matches.test(entries.get(next))) {
            return Optional.of(entries.get(next));
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          check(false, "no %s within %d ms", what, timeout.toMillis());
          return Optional.empty();
        }
        arrived.await(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Returns every event from {@code from} on that matches. */
  List<Entry> since(int from, Predicate<Entry> matches) {
    lock.lock();
    try {
      return entries.subList(from, entries.size()).stream().filter(matches).toList();
    } finally {
      lock.unlock();
    }
  }

  /** Prints a promise kept, or a broken one as UNEXPECTED. */
  boolean check(boolean kept, String format, Object... args) {
    String text = String.format(format, args);
    if (kept) {
      print(System.nanoTime(), "check", "ok: " + text);
    } else {
      lock.lock();
      try {
        ok = false;
      } finally {
        lock.unlock();
      }
      print(System.nanoTime(), "check", "UNEXPECTED: " + text);
    }
    return kept;
  }

  boolean ok() {
    lock.lock();
    try {
      return ok;
    } finally {
      lock.unlock();
    }
  }

  /** Milliseconds since the current scene began. */
  long sceneMillis(long atNanos) {
    lock.lock();
    try {
      return TimeUnit.NANOSECONDS.toMillis(atNanos - sceneStart);
    } finally {
      lock.unlock();
    }
  }

  long totalMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - demoStart);
  }

  static long millis(long fromNanos, long toNanos) {
    return Duration.ofNanos(toNanos - fromNanos).toMillis();
  }

  private void print(long atNanos, String source, String text) {
    lock.lock();
    try {
      long ms = Math.max(0, TimeUnit.NANOSECONDS.toMillis(atNanos - sceneStart));
      out.printf("[%6d ms] %-7s %s%n", ms, source, text);
    } finally {
      lock.unlock();
    }
  }
}
