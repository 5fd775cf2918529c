package dev.quorate.lock.spi;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon thread pools: for delivering events, running timeouts and blocking I/O. */
public final class DaemonThreads {
  /** How many threads deliver events at most; each lease's events stay serial regardless. */
  private static final int EVENT_THREADS = 4;

  private DaemonThreads() {}

  /**
   * Returns a bounded pool of daemon threads that end when idle: nothing to shut down, events
   * queued just before a close still run, and a burst of events (a close with many leases) queues
   * instead of starting a thread per event.
   *
   * @param name the thread name prefix
   * @return the pool
   */
  public static ExecutorService idleEnding(String name) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            EVENT_THREADS,
            EVENT_THREADS,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            named(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Returns a pool of daemon threads that grows with the tasks running at once and ends threads
   * idle for 10 s: for work that blocks (a lock manager's calls to its servers), where a bounded
   * pool would make one slow call hold up the others.
   *
   * @param name the thread name prefix
   * @return the pool
   */
  public static ExecutorService growing(String name) {
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), named(name));
  }

  /**
   * Returns a one-thread scheduler for timeouts whose cancelled timers are dropped at once, so long
   * timeouts of requests that were granted early hold no memory.
   *
   * @param name the thread name prefix
   * @return the scheduler; shut it down when its owner closes
   */
  public static ScheduledThreadPoolExecutor timers(String name) {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, named(name));
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }

  /**
   * Returns a factory of daemon threads named {@code name-1}, {@code name-2}, ...: for the pools
   * that the methods above do not fit (one I/O thread per disk, a scheduler per engine).
   *
   * @param name the thread name prefix
   * @return the factory
   */
  public static ThreadFactory named(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
