package dev.quorate.bench;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.quorum.SelfFence;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * K nodes heartbeating on one file-backed quorum disk, all in this JVM, each with its own file
 * handle counted by a {@link CountingDisk}. Measured over {@link #MEASURED} intervals once every
 * node sees every other UP: I/Os, bytes and CPU (of the nodes' {@code qdisk-*} threads) per node
 * per interval; then node 1's disk dies and the time until each other node declares it DOWN,
 * against interval x tko.
 */
final class QuorumDiskScale {
  static final String TITLE = "quorum disk (K nodes per disk)";
  private static final int MEASURED = 5;

  private QuorumDiskScale() {}

  /**
   * The timing of {@link DiskTiming#defaults()} scaled to {@code interval} (the defaults' I/O
   * timeout of 800 ms would not fit a shorter interval).
   */
  static DiskTiming timing(Duration interval) {
    return new DiskTiming(
            interval,
            5,
            2,
            interval.multipliedBy(4).dividedBy(5),
            interval.multipliedBy(2),
            interval.multipliedBy(4))
        .check();
  }

  static ScalePoint run(int k, Duration interval, Path dir) throws Exception {
    DiskTiming timing = timing(interval);
    Path file = Files.createTempFile(dir, "qdisk-" + k + "-", ".img");
    try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength((long) (2 * k + 16) * DiskHeader.BLOCK_SIZE);
    }
    try (BlockDevice device = BlockDevice.open(file)) {
      QuorumDisk.format(
          device,
          new DiskHeader(
              DiskHeader.CURRENT_VERSION, UUID.randomUUID(), UUID.randomUUID(), "bench", k, timing),
          false);
    }
    AtomicInteger ups = new AtomicInteger();
    long[] downAt = new long[k + 1];
    AtomicInteger downs = new AtomicInteger();
    List<CountingDisk> disks = new ArrayList<>();
    List<QuorumDisk> nodes = new ArrayList<>();
    ExecutorService starters = Executors.newFixedThreadPool(k);
    try {
      for (int id = 1; id <= k; id++) {
        int self = id;
        CountingDisk disk = new CountingDisk(BlockDevice.open(file), 0);
        disks.add(disk);
        nodes.add(
            QuorumDisk.builder(id, "bench")
                .disk(disk)
                .selfFence(SelfFence.callback(reason -> {}))
                .listener(
                    event -> {
                      if (event.kind() == QuorumDiskEvent.Kind.NODE_UP) {
                        ups.incrementAndGet();
                      } else if (event.kind() == QuorumDiskEvent.Kind.NODE_DOWN
                          && event.nodeId() == 1
                          && self != 1) {
                        downAt[self] = System.nanoTime();
                        downs.incrementAndGet();
                      }
                    })
                .build());
      }
      List<Future<?>> started = new ArrayList<>();
      for (QuorumDisk node : nodes) {
        started.add(starters.submit(node::start));
      }
      for (Future<?> start : started) {
        start.get();
      }
      Duration bound = timing.detectionTime().multipliedBy(4).plusSeconds(30);
      Waits.until(() -> ups.get() >= k * (k - 1), bound, "every node seeing every other UP");
      long ios = disks.stream().mapToLong(d -> d.reads() + d.writes()).sum();
      long bytes = disks.stream().mapToLong(CountingDisk::bytes).sum();
      long cpu = qdiskCpuNanos();
      long began = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(interval.multipliedBy(MEASURED).toNanos()); // measured window
      double intervals = (System.nanoTime() - began) / (double) interval.toNanos();
      ios = disks.stream().mapToLong(d -> d.reads() + d.writes()).sum() - ios;
      bytes = disks.stream().mapToLong(CountingDisk::bytes).sum() - bytes;
      cpu = qdiskCpuNanos() - cpu;

      long died = System.nanoTime();
      disks.get(0).die();
      Waits.until(() -> downs.get() >= k - 1, bound, "every node declaring node 1 DOWN");
      long[] detection = new long[k - 1];
      for (int id = 2; id <= k; id++) {
        detection[id - 2] = downAt[id] - died;
      }
      Arrays.sort(detection);
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("interval ms", (double) interval.toMillis());
      figures.put("I/Os per node per interval", ios / intervals / k);
      figures.put("KiB per node per interval", bytes / 1024.0 / intervals / k);
      figures.put("CPU ms per node per interval", cpu / 1e6 / intervals / k);
      figures.put("interval x tko ms", (double) timing.detectionTime().toMillis());
      figures.put("detection p50 ms", ScalePoint.percentileMillis(detection, 0.50));
      figures.put("detection max ms", detection[detection.length - 1] / 1e6);
      return new ScalePoint(TITLE, "Quorate quorum disk", k, Double.NaN, Double.NaN, figures);
    } finally {
      starters.shutdownNow();
      nodes.forEach(QuorumDisk::close);
      Files.deleteIfExists(file);
    }
  }

  /** CPU time of every live thread named {@code qdisk-*} (heartbeats and their I/O rounds). */
  private static long qdiskCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("qdisk-")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        total += Math.max(0, cpu);
      }
    }
    return total;
  }
}
