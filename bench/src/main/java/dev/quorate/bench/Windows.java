package dev.quorate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a cycle on some threads for one warm-up window and then the measured windows, recording the
 * latency of every cycle. Threads stop at the window's deadline after finishing their cycle.
 */
final class Windows {
  /** One cycle of one thread: acquire, touch the guard, release. */
  interface Cycle {
    void run(int thread, long iteration) throws Exception;
  }

  private final Duration window;
  private final int measured;

  Windows(Duration window, int measured) {
    this.window = window;
    this.measured = measured;
  }

  Result run(int threads, Cycle cycle, LongAdder violations) throws InterruptedException {
    LongAdder errors = new LongAdder();
    runWindow(threads, cycle, errors); // warm-up: JIT, caches, container nodes
    double[] ops = new double[measured];
    double[] p50 = new double[measured];
    double[] p99 = new double[measured];
    for (int w = 0; w < measured; w++) {
      Window result = runWindow(threads, cycle, errors);
      ops[w] = result.ops;
      p50[w] = result.percentile(0.50);
      p99[w] = result.percentile(0.99);
    }
    return new Result(median(ops), median(p50), median(p99), ops, errors.sum(), violations.sum());
  }

  private Window runWindow(int threads, Cycle cycle, LongAdder errors) throws InterruptedException {
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    long deadline = start + window.toNanos();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker =
          new Thread(
              () -> {
                long[] mine = new long[1 << 12];
                int n = 0;
                long iteration = 0;
                while (System.nanoTime() < deadline) {
                  long began = System.nanoTime();
                  try {
                    cycle.run(thread, iteration++);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                  } catch (Exception e) {
                    errors.increment();
                    continue;
                  }
                  if (n == mine.length) {
                    mine = Arrays.copyOf(mine, n * 2);
                  }
                  mine[n++] = System.nanoTime() - began;
                }
                latencies[thread] = mine;
                counts[thread] = n;
              },
              "bench-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    return new Window(total / elapsed, all);
  }

  private record Window(double ops, long[] sorted) {
    double percentile(double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1e6;
    }
  }

  static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    int n = copy.length;
    return n % 2 == 1 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2;
  }
}
