package dev.quorate.lock.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools for delivering events and callbacks. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /**
   * Returns a pool of daemon threads that end when idle: nothing to shut down, and events queued
   * just before a close still run.
   *
   * @param name the thread name prefix
   * @return the pool
   */
  public static ExecutorService idleEnding(String name) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        0,
        Integer.MAX_VALUE,
        5,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        task -> {
          Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
