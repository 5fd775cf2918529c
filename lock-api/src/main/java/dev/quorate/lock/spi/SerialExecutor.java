package dev.quorate.lock.spi;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. Used to deliver each lease's
 * events exactly once and in order without giving every lease a thread.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  // One per lease, thousands at a time: a small queue that grows when needed, and no lock object
  // of its own (the queue is the monitor that guards itself and draining).
  private final Queue<Runnable> tasks = new ArrayDeque<>(3);
  private boolean draining;

  /**
   * Creates a serial view of {@code delegate}.
   *
   * @param delegate the executor whose threads run the tasks
   */
  public SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    startDrain();
  }

  /**
   * Runs {@code task} on the calling thread if no task is running or waiting (saving the hand-off
   * to another thread, which a caller about to wait for the task's result would pay twice), else
   * queues it like {@link #execute}. Tasks submitted meanwhile run after it, on the shared
   * executor. A failure of the task propagates to the caller.
   *
   * @param task the task
   */
  public void executeHere(Runnable task) {
    synchronized (tasks) {
      if (draining) {
        tasks.add(task);
        return;
      }
      draining = true;
    }
    try {
      task.run();
    } finally {
      boolean more;
      synchronized (tasks) {
        more = !tasks.isEmpty();
        draining = more;
      }
      if (more) {
        startDrain();
      }
    }
  }

  /** Hands the queue to the delegate; {@code draining} is already set by the caller. */
  private void startDrain() {
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException | Error e) {
      // Not started: let the next execute() try again instead of queueing behind nothing.
      synchronized (tasks) {
        draining = false;
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (Throwable e) {
        // A failing listener (even with an Error) must not stop delivery of later events.
        log.error("lease listener or callback failed", e);
      }
    }
  }
}
