package dev.quorate.qdisk.internal;

import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.qdisk.Heuristic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each heuristic on a thread of its own every period and keeps the latest verdicts. Until a
 * check has run once it counts as failed: a node is not eligible on hope.
 */
final class HeuristicRunner implements ScoreBoard, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeuristicRunner.class);
  private final List<Heuristic> checks;
  private final int minScore;
  private final ConcurrentHashMap<String, Boolean> passing = new ConcurrentHashMap<>();
  private final ScheduledExecutorService pool;

  /** Starts running {@code checks} every {@code period}. */
  public HeuristicRunner(List<Heuristic> checks, int minScore, Duration period) {
    this.checks = List.copyOf(checks);
    this.minScore = minScore;
    this.pool =
        Executors.newScheduledThreadPool(
            Math.max(1, checks.size()), DaemonThreads.named("qdisk-heuristic"));
    for (Heuristic h : this.checks) {
      pool.scheduleWithFixedDelay(() -> run(h), 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void run(Heuristic h) {
    try {
      boolean ok = h.passes();
      Boolean before = passing.put(h.name(), ok);
      if (before == null || before != ok) {
        LOG.info("heuristic {} now {}", h.name(), ok ? "passes" : "fails");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      passing.put(h.name(), false);
      LOG.warn("heuristic {} failed: {}", h.name(), Problems.describe(e));
    }
  }

  @Override
  public int score() {
    int total = 0;
    for (Heuristic h : checks) {
      if (passing.getOrDefault(h.name(), false)) {
        total += h.score();
      }
    }
    return total;
  }

  @Override
  public int minScore() {
    return minScore;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
