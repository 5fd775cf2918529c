package dev.quorate.samples.ledger;

import dev.quorate.samples.ledger.WriterEvent.Kind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The writers' events as they arrive: printed with the time since the start, kept in order, and
 * waited on by the sample (a condition, never a fixed sleep).
 */
final class LedgerTimeline {
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<WriterEvent> events = new ArrayList<>();

  LedgerTimeline(PrintStream out) {
    this.out = out;
  }

  /** Records and prints one writer's event. */
  void record(WriterEvent event) {
    lock.lock();
    try {
      events.add(event);
      describe(event);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Prints a line of the sample itself. */
  void say(String format, Object... args) {
    lock.lock();
    try {
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      out.printf("[%6d ms] %s%n", ms, String.format(format, args));
    } finally {
      lock.unlock();
    }
  }

  /** Returns every event so far, in arrival order. */
  List<WriterEvent> events() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until some event matches.
   *
   * @return the first matching event, or null if none arrived within the timeout
   */
  WriterEvent await(Predicate<WriterEvent> wanted, Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        for (WriterEvent event : events) {
          if (wanted.test(event)) {
            return event;
          }
        }
        if (left <= 0) {
          return null;
        }
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  private void describe(WriterEvent e) {
    String text =
        switch (e.kind()) {
          case STARTED -> "started (pid " + e.detail() + ")";
          case GRANTED -> null; // every grant is followed by ACCEPTED or PAUSING: print those
          case PAUSING ->
              "holds token "
                  + e.token()
                  + ", checked its lease for entry "
                  + e.entry()
                  + ", and FREEZES (SIGSTOP) before writing";
          case RESUMED ->
              "resumes after the pause and writes entry " + e.entry() + " with token " + e.token();
          case ACCEPTED -> "entry " + e.entry() + " accepted with token " + e.token();
          case REFUSED ->
              "entry "
                  + e.entry()
                  + " with token "
                  + e.token()
                  + " REFUSED by the ledger (it has accepted "
                  + e.highest()
                  + "); retrying under a new lease";
          case LOST -> "lease lost before entry " + e.entry() + ": " + e.detail();
          case DONE -> "done";
        };
    if (text != null) {
      say("%-4s %s", e.writer(), text);
    }
  }

  /** Says whether the event is the given writer's of the given kind. */
  static Predicate<WriterEvent> of(String writer, Kind kind) {
    return e -> e.writer().equals(writer) && e.kind() == kind;
  }
}
