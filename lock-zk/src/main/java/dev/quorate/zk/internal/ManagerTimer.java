package dev.quorate.zk.internal;

import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock manager's one timer thread: request and conversion deadlines, the recovery gate's polls,
 * the holder records' delayed deletes. Cancelled timers are dropped at once, so long timeouts leave
 * nothing behind; after {@link #shutdown} nothing runs any more.
 */
final class ManagerTimer {
  private static final Logger log = LoggerFactory.getLogger(ManagerTimer.class);

  private final ScheduledThreadPoolExecutor timers = DaemonThreads.timers("quorate-zk-timer");

  /** Runs {@code action} on the timer thread after {@code delay}; nothing once shut down. */
  void later(Duration delay, Runnable action) {
    try {
      timers.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Closed meanwhile: the manager's close() fails every request that was waiting.
      log.debug("manager closed; {} not scheduled", action);
    }
  }

  /**
   * Runs {@code action} after {@code timeout} unless {@code until} completes first (the timer is
   * then cancelled). A timeout too long for a nanosecond count (about 292 years) means no timeout
   * at all.
   */
  void afterTimeout(Duration timeout, CompletableFuture<?> until, Runnable action) {
    long nanos = Requests.saturatedNanos(timeout);
    if (nanos == Long.MAX_VALUE || until.isDone()) {
      return; // granted on the caller's thread already: no timer (and no timer thread woken)
    }
    ScheduledFuture<?> timer = timers.schedule(action, nanos, TimeUnit.NANOSECONDS);
    until.whenComplete((result, failure) -> timer.cancel(false));
  }

  /**
   * Drops pending timers: they only fail requests that the manager's close() has failed already.
   */
  void shutdown() {
    timers.shutdownNow();
  }
}
