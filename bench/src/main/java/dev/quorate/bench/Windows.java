package dev.quorate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

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
  private final LongSupplier serverRequests;
  private final Progress progress;

  /**
   * @param serverRequests the count of requests the clients' server has received so far
   * @param progress where each window is announced
   */
  Windows(Duration window, int measured, LongSupplier serverRequests, Progress progress) {
    this.window = window;
    this.measured = measured;
    this.serverRequests = serverRequests;
    this.progress = progress;
  }

  /**
   * Runs the workloads in turns: one warm-up window each, then measured window 1 of each, window 2
   * of each, and so on, so that a change of the machine's load (other builds share it) falls on all
   * of them alike instead of on whichever ran last.
   */
  List<Result> runInTurns(String title, List<Scenarios.Prepared> workloads)
      throws InterruptedException {
    int n = workloads.size();
    LongAdder[] errors = new LongAdder[n];
    double[][] ops = new double[n][measured];
    double[][] p50 = new double[n][measured];
    double[][] p99 = new double[n][measured];
    long[] cycles = new long[n];
    long[] requests = new long[n];
    double[][] windowRequests = new double[n][measured];
    Turns.Shares[][] shares = new Turns.Shares[n][measured];
    for (int i = 0; i < n; i++) {
      errors[i] = new LongAdder();
      Scenarios.Prepared workload = workloads.get(i);
      progress.step(title, "warm-up", workload.library.name());
      runWindow(workload.threads, workload.cycle, errors[i]); // warm-up: JIT, caches, containers
      workload.takeShares();
    }
    for (int w = 0; w < measured; w++) {
      for (int i = 0; i < n; i++) {
        Scenarios.Prepared workload = workloads.get(i);
        progress.step(title, "window " + (w + 1) + "/" + measured, workload.library.name());
        long before = serverRequests.getAsLong();
        Window result = runWindow(workload.threads, workload.cycle, errors[i]);
        long sent = serverRequests.getAsLong() - before;
        requests[i] += sent;
        windowRequests[i][w] = perCycle(sent, result.sorted.length);
        shares[i][w] = workload.takeShares();
        ops[i][w] = result.ops;
        p50[i][w] = result.percentile(0.50);
        p99[i][w] = result.percentile(0.99);
        cycles[i] += result.sorted.length;
      }
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(
          new Result(
              median(ops[i]),
              median(p50[i]),
              median(p99[i]),
              ops[i],
              errors[i].sum(),
              workloads.get(i).violations.sum(),
              perCycle(requests[i], cycles[i]),
              windowRequests[i],
              shares[i]));
    }
    return results;
  }

  private static double perCycle(long requests, long cycles) {
    return cycles == 0 ? Double.NaN : requests / (double) cycles;
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
