package dev.quorate.zk.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A worker the test runs by hand, one task at a time, on the test's thread; a check may run after
 * each task. Awaiting termination runs what is queued.
 */
final class ManualExecutor extends AbstractExecutorService {
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Runnable afterEachTask;
  private volatile boolean shut;
  private boolean running;

  ManualExecutor(Runnable afterEachTask) {
    this.afterEachTask = afterEachTask;
  }

  ManualExecutor() {
    this(() -> {});
  }

  /** Whether a task is running now (a test interleaving steps must not run another inside it). */
  boolean running() {
    return running;
  }

  boolean hasTasks() {
    return !tasks.isEmpty();
  }

  /** Runs the first queued task, if any. */
  void runOne() {
    Runnable task = tasks.poll();
    if (task != null) {
      running = true;
      try {
        task.run();
      } finally {
        running = false;
      }
      afterEachTask.run();
    }
  }

  /** Runs tasks until none is queued, including those the tasks queue. */
  void runAll() {
    while (hasTasks()) {
      runOne();
    }
  }

  @Override
  public void execute(Runnable task) {
    if (shut) {
      throw new RejectedExecutionException("shut down");
    }
    tasks.add(task);
  }

  @Override
  public void shutdown() {
    shut = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shut = true;
    List<Runnable> left = new ArrayList<>(tasks);
    tasks.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shut;
  }

  @Override
  public boolean isTerminated() {
    return shut && tasks.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    runAll();
    return true;
  }
}
