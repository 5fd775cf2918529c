package dev.quorate.bench;

import dev.quorate.disklease.DiskLockManager;
import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import dev.quorate.zk.ZkLockManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * The disk lock manager beside Quorate's ZooKeeper lock manager, in one run on one machine:
 * uncontended acquire/release latency and throughput (one thread, one lock, EX), I/Os per acquire
 * and per release counted by {@link CountingDisk}, and the takeover time after the holder's host
 * dies, measured at a fast io_timeout and derived for sanlock's default of 10 s. Usage: {@code
 * bin/bench disk-lease [seconds] [ioTimeoutMillis] [rounds]} (defaults 5, 250 and 3).
 */
public final class DiskLeaseBench {
  private static final String LOCK = "bench/disk";
  private static final int HOSTS = 8;
  private static final int SLOTS = 16;
  // Cycles rotate over more names than slots: a released slot is given back on the disks by the
  // manager's worker after release() returns, so one name again and again would measure the
  // in-memory re-grant of a slot whose release is still queued, not the disk.
  private static final int NAMES = 64;

  private DiskLeaseBench() {}

  /**
   * Runs the benchmark and prints Markdown tables.
   *
   * @param args optional seconds per workload, io_timeout in milliseconds, takeover rounds
   * @throws Exception if a manager or the ensemble cannot start
   */
  public static void main(String[] args) throws Exception {
    Duration window = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 5);
    Duration io = Duration.ofMillis(args.length > 1 ? Integer.parseInt(args[1]) : 250);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    LeaseTiming timing = LeaseTiming.forIoTimeout(io).check();
    Path dir = Files.createTempDirectory("quorate-disk-lease-bench-");
    System.out.printf(
        Locale.ROOT,
        "disk lock manager vs ZooKeeper lock manager; lease disks are files in %s (%s),"
            + " DSYNC + O_DIRECT where allowed; ZooKeeper: TestingCluster(3), fsync on;"
            + " io_timeout %d ms; load before: %s%n%n",
        dir,
        Files.getFileStore(dir).type(),
        io.toMillis(),
        Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.println(
        "| lock manager | cycles/s | acquire p50 ms | acquire p99 ms | release p50 ms | release p99"
            + " ms | slot I/Os per cycle | delta-lease I/Os per second | slot I/O p50 ms |"
            + " slot I/O p99 ms | slowest slot I/O ms | acquisitions over p99 with a slot I/O of"
            + " half their time |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    try (BenchCluster cluster = new BenchCluster()) {
      cluster.start();
      CuratorFramework client = cluster.newClient();
      client.start();
      try (ZkLockManager zk = ZkLockManager.builder().curator(client).build()) {
        cycles("ZooKeeper (Quorate, 3 servers)", zk, window, null);
      } finally {
        client.close();
      }
    }
    for (int disks : new int[] {1, 3}) {
      List<Path> files = format(dir.resolve(disks + "-disks"), disks, timing);
      List<CountingDisk> devices = open(files);
      try (LockManager m = host(devices, 1)) {
        cycles("disk leases, " + disks + " disk(s)", m, window, devices);
      }
    }
    System.out.println();
    System.out.println(
        "| lease disks | takeover after the holder's host died, ms (each round) | host_expiry ms |"
            + " host_expiry + renewal_interval ms |");
    System.out.println("|---|---|---|---|");
    for (int disks : new int[] {1, 3}) {
      List<Path> files = format(dir.resolve(disks + "-disks-takeover"), disks, timing);
      List<Long> takeovers = takeovers(files, rounds, timing);
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %d | %d |%n",
          disks,
          takeovers,
          timing.hostExpiry().toMillis(),
          timing.hostExpiry().plus(timing.renewalInterval()).toMillis());
    }
    LeaseTiming sanlockIo = LeaseTiming.forIoTimeout(Duration.ofSeconds(10));
    System.out.printf(
        Locale.ROOT,
        "%nat io_timeout 10 s (sanlock's default), from the timing relations: takeover after"
            + " host_expiry = 7 x io = %d s, plus up to one renewal_interval = 2 x io (how often a"
            + " waiter reads the dead holder's delta lease) = at most %d s; sanlock:"
            + " host_dead_seconds = 140 s%n",
        sanlockIo.hostExpiry().toSeconds(),
        sanlockIo.hostExpiry().plus(sanlockIo.renewalInterval()).toSeconds());
    System.out.printf(
        Locale.ROOT, "load after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
  }

  /**
   * One thread acquires and releases EX, rotating over {@link #NAMES} lock names, for {@code
   * window}; prints one table row. Slot I/Os are all reads and writes of resource slots over the
   * window divided by the cycles (acquire, and the release the worker does after release()
   * returns); delta-lease I/Os are the renewals, per second, whatever the load.
   */
  private static void cycles(
      String name, LockManager manager, Duration window, List<CountingDisk> devices)
      throws Exception {
    List<Lock> locks = new ArrayList<>();
    for (int i = 0; i < NAMES; i++) {
      locks.add(manager.lock(LOCK + "-" + i));
    }
    // Warm-up: class loading and the JIT, outside the measurement.
    long warm = System.nanoTime() + window.toNanos() / 2;
    for (int i = 0; System.nanoTime() < warm; i++) {
      locks.get(i % NAMES).acquire(LockMode.EX).release();
    }
    List<Long> acquire = new ArrayList<>();
    List<Long> release = new ArrayList<>();
    long ios0 = ios(devices);
    long host0 = hostIos(devices);
    List<CountingDisk.SlotIo> slotWrites = new ArrayList<>();
    List<long[]> spans = new ArrayList<>(); // each acquisition's start and end
    if (devices != null) {
      devices.forEach(CountingDisk::takeSlotIos); // the warm-up's
    }
    long start = System.nanoTime();
    long end = start + window.toNanos();
    for (int i = 0; System.nanoTime() < end; i++) {
      long t0 = System.nanoTime();
      Lease lease = locks.get(i % NAMES).acquire(LockMode.EX);
      long t1 = System.nanoTime();
      lease.release();
      acquire.add(t1 - t0);
      spans.add(new long[] {t0, t1});
      release.add(System.nanoTime() - t1);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long hostIos = hostIos(devices) - host0;
    long slotIos = ios(devices) - ios0 - hostIos;
    if (devices != null) {
      devices.forEach(d -> slotWrites.addAll(d.takeSlotIos()));
    }
    List<Long> writeNanos = slotWrites.stream().map(CountingDisk.SlotIo::nanos).toList();
    System.out.printf(
        Locale.ROOT,
        "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s | %s |%n",
        name,
        acquire.size() / seconds,
        millis(acquire, 50),
        millis(acquire, 99),
        millis(release, 50),
        millis(release, 99),
        devices == null
            ? "n/a"
            : String.format(Locale.ROOT, "%.1f", (double) slotIos / acquire.size()),
        devices == null ? "n/a" : String.format(Locale.ROOT, "%.1f", hostIos / seconds),
        orNa(writeNanos, 50),
        orNa(writeNanos, 99),
        orNa(writeNanos, 100),
        devices == null ? "n/a" : slowAcquisitionsBySlowIos(acquire, spans, slotWrites));
  }

  /**
   * Host 1 holds the lock; at t0 its host dies (every I/O fails, its renewals stop); host 2,
   * already asking, is granted the lock at t1. Returns t1 - t0 of each round.
   */
  private static List<Long> takeovers(List<Path> files, int rounds, LeaseTiming timing)
      throws Exception {
    List<Long> out = new ArrayList<>();
    try (LockManager survivor = host(open(files), 1)) {
      Lock theirs = survivor.lock(LOCK);
      for (int r = 0; r < rounds; r++) {
        List<CountingDisk> victimDisks = open(files);
        LockManager victim = host(victimDisks, 2 + r);
        try {
          victim.lock(LOCK).acquire(LockMode.EX);
          var waiting = theirs.acquireAsync(LockMode.EX);
          long t0 = System.nanoTime();
          victimDisks.forEach(CountingDisk::die);
          Lease granted =
              waiting.get(timing.hostExpiry().multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS);
          out.add((System.nanoTime() - t0) / 1_000_000);
          granted.release();
        } finally {
          victim.close();
        }
      }
    }
    return out;
  }

  private static LockManager host(List<CountingDisk> devices, int hostId)
      throws InterruptedException {
    return DiskLockManager.builder()
        .devices(List.copyOf(devices))
        .hostId(hostId)
        .hostName("bench-" + hostId)
        // A dead host in this benchmark is one whose disks fail; it must not stop the JVM.
        .selfFence(SelfFence.callback(reason -> {}))
        .build();
  }

  private static List<Path> format(Path dir, int disks, LeaseTiming timing) throws IOException {
    Files.createDirectories(dir);
    LeaseArea area = LeaseArea.create(HOSTS, SLOTS, timing);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < disks; i++) {
      Path file = dir.resolve("lease-disk-" + i);
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.setLength(area.sizeBytes());
      }
      try (BlockDevice d = BlockDevice.open(file)) {
        area.format(d);
      }
      files.add(file);
    }
    return files;
  }

  private static List<CountingDisk> open(List<Path> files) throws IOException {
    List<CountingDisk> devices = new ArrayList<>();
    for (Path f : files) {
      // Blocks 0..HOSTS: the header and one delta lease per host id; resource slots follow.
      devices.add(new CountingDisk(BlockDevice.open(f), (long) LeaseArea.BLOCK_SIZE * (1 + HOSTS)));
    }
    return devices;
  }

  private static long hostIos(List<CountingDisk> devices) {
    if (devices == null) {
      return 0;
    }
    long n = 0;
    for (CountingDisk d : devices) {
      n += d.hostLeaseIos();
    }
    return n;
  }

  private static long ios(List<CountingDisk> devices) {
    if (devices == null) {
      return 0;
    }
    long n = 0;
    for (CountingDisk d : devices) {
      n += d.reads() + d.writes();
    }
    return n;
  }

  /**
   * Of the acquisitions at or above the p99, how many saw one slot I/O (ending inside the
   * acquisition) take at least half the acquisition's time: "k of n".
   */
  private static String slowAcquisitionsBySlowIos(
      List<Long> acquire, List<long[]> spans, List<CountingDisk.SlotIo> writes) {
    long p99 = percentile(acquire, 99);
    int slow = 0;
    int byWrite = 0;
    for (long[] span : spans) {
      long took = span[1] - span[0];
      if (took < p99) {
        continue;
      }
      slow++;
      long longest =
          writes.stream()
              .filter(w -> w.endNanos() >= span[0] && w.endNanos() <= span[1])
              .mapToLong(CountingDisk.SlotIo::nanos)
              .max()
              .orElse(0);
      byWrite += longest * 2 >= took ? 1 : 0;
    }
    return byWrite + " of " + slow;
  }

  private static String orNa(List<Long> nanos, int p) {
    return nanos.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", millis(nanos, p));
  }

  private static double millis(List<Long> nanos, int p) {
    return percentile(nanos, p) / 1e6;
  }

  private static long percentile(List<Long> samples, int p) {
    List<Long> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
