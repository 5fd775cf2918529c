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
import java.util.function.LongUnaryOperator;

/**
 * K nodes heartbeating on one file-backed quorum disk, all in this JVM, each with its own file
 * handle counted by a {@link CountingDisk}. Measured over {@link #MEASURED} intervals once every
 * node sees every other UP: I/Os, bytes, CPU and heap allocated (by the nodes' {@code qdisk-*}
 * threads) per node per interval; then node 1's disk dies and the time until each other node
 * declares it DOWN, against interval x tko.
 */
final class QuorumDiskScale {
  static final String TITLE = "quorum disk (K nodes per disk)";
  private static final int MEASURED = 5;

  /**
   * Heartbeat reads one disk may serve per second before the interval grows: every node reads the
   * header and every slot every interval, K x (K + 1) x 4 KiB in all, which grows as K squared. 255
   * MiB per second at 255 nodes and 1 s kept this VM's disk (about 450 MB/s of 1 MiB O_DIRECT
   * reads) more than half busy with heartbeats alone, and under other load the beats outran their
   * I/O timeout. Disk heartbeats at this scale take longer intervals: qdiskd stops at 16 nodes per
   * disk; sanlock reads its 2,000 hosts' 1 MiB of delta leases once per 20 s renewal.
   */
  static final long READ_BUDGET_BYTES_PER_SECOND = 128L << 20;

  private QuorumDiskScale() {}

  /**
   * The interval for K nodes: {@code base}, or the least whole multiple of it that keeps the disk's
   * heartbeat reads within {@link #READ_BUDGET_BYTES_PER_SECOND}. Each row names its interval and
   * interval x tko.
   */
  static Duration interval(int k, Duration base) {
    long perInterval = (long) k * (k + 1) * DiskHeader.BLOCK_SIZE;
    long budget = READ_BUDGET_BYTES_PER_SECOND * base.toMillis() / 1000;
    long times = Math.max(1, (perInterval + budget - 1) / budget);
    return base.multipliedBy(times);
  }

  /**
   * The timing of {@link DiskTiming#defaults()} with every duration scaled to {@code interval} (the
   * defaults' I/O timeout of 800 ms would not fit a shorter interval): at 1 s, the defaults
   * themselves. Their renewal deadline is three intervals; an earlier two (the least {@link
   * DiskTiming#check()} allows) fenced a node for one beat the loaded machine ran late, which is
   * not what a deployment with the defaults does.
   */
  static DiskTiming timing(Duration interval) {
    DiskTiming d = DiskTiming.defaults();
    return new DiskTiming(
            interval,
            d.tko(),
            d.tkoUp(),
            scaled(d.ioTimeout(), d, interval),
            scaled(d.renewalDeadline(), d, interval),
            scaled(d.msgwait(), d, interval))
        .check();
  }

  private static Duration scaled(Duration atDefault, DiskTiming d, Duration interval) {
    return atDefault.multipliedBy(interval.toMillis()).dividedBy(d.interval().toMillis());
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
      long allocated = qdiskAllocatedBytes();
      long began = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(interval.multipliedBy(MEASURED).toNanos()); // measured window
      double intervals = (System.nanoTime() - began) / (double) interval.toNanos();
      ios = disks.stream().mapToLong(d -> d.reads() + d.writes()).sum() - ios;
      bytes = disks.stream().mapToLong(CountingDisk::bytes).sum() - bytes;
      cpu = qdiskCpuNanos() - cpu;
      allocated = qdiskAllocatedBytes() - allocated;

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
      figures.put("heap KiB allocated per node per interval", allocated / 1024.0 / intervals / k);
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
    return sumOverQdiskThreads(threads::getThreadCpuTime);
  }

  /** Heap allocated by the same threads: what the nodes' decoding costs the collector. */
  private static long qdiskAllocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return sumOverQdiskThreads(threads::getThreadAllocatedBytes);
  }

  private static long sumOverQdiskThreads(LongUnaryOperator perThread) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("qdisk-")) {
        total += Math.max(0, perThread.applyAsLong(info.getThreadId()));
      }
    }
    return total;
  }
}
