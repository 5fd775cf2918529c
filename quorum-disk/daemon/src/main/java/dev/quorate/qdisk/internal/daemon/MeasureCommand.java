package dev.quorate.qdisk.internal.daemon;

import com.sun.management.OperatingSystemMXBean;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.internal.DiskFormatter;
import dev.quorate.qdisk.internal.FileBlockDevice;
import dev.quorate.quorum.SelfFence;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures one configuration in this JVM: N engines on one file, each through its own channel.
 * Reports CPU and I/O per node per interval over a steady period, then freezes one node's disk I/O
 * (from the disk's point of view the same as SIGSTOP) and times when each peer declares it DOWN,
 * against interval x tko.
 */
@Command(name = "measure", description = "Measure CPU, I/O and detection time for N nodes.")
final class MeasureCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "3")
  int nodes;

  @Option(names = "--interval", defaultValue = "200ms")
  String interval;

  @Option(names = "--tko", defaultValue = "5")
  int tko;

  @Option(names = "--seconds", defaultValue = "10", description = "steady-state period")
  int seconds;

  @Option(names = "--file", description = "disk file (default: a temp file)")
  Path file;

  @Override
  public Integer call() throws Exception {
    Duration iv = DaemonConfig.duration("measure", "--interval", interval);
    Duration io = iv.multipliedBy(3).dividedBy(4);
    Duration deadline = iv.multipliedBy(tko).minus(iv).minus(io);
    DiskTiming t = new DiskTiming(iv, tko, 2, io, deadline, deadline.plus(io).plus(iv)).check();
    Path disk = file != null ? file : Files.createTempFile("qdisk-measure", ".img");
    DiskHeader h =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION, UUID.randomUUID(), UUID.randomUUID(), "measure", nodes, t);
    Files.write(disk, new byte[(int) h.requiredBytes()]);
    try (FileBlockDevice d = FileBlockDevice.open(disk, true)) {
      DiskFormatter.format(d, h, true);
      spec.commandLine().getOut().printf("disk %s, O_DIRECT %s%n", disk, d.direct());
    }
    ConcurrentHashMap<Integer, Long> downAt = new ConcurrentHashMap<>();
    List<QuorumDisk> engines = new ArrayList<>();
    List<CountingBlockDevice> devices = new ArrayList<>();
    int victim = 1;
    for (int n = 1; n <= nodes; n++) {
      int self = n;
      CountingBlockDevice dev = new CountingBlockDevice(FileBlockDevice.open(disk, true));
      devices.add(dev);
      engines.add(
          QuorumDisk.builder(n, "measure")
              .disk(dev)
              .selfFence(SelfFence.callback(r -> {}))
              .listener(
                  e -> {
                    if (e.kind() == QuorumDiskEvent.Kind.NODE_DOWN && e.nodeId() == victim) {
                      downAt.putIfAbsent(self, System.nanoTime());
                    }
                  })
              .build());
    }
    // Each start claims its slot for tko intervals first: claim all slots at once.
    ExecutorService starters = Executors.newFixedThreadPool(engines.size());
    try {
      List<Future<?>> started = new ArrayList<>();
      for (QuorumDisk e : engines) {
        started.add(starters.submit(e::start));
      }
      for (Future<?> f : started) {
        f.get();
      }
    } finally {
      starters.shutdown();
    }
    long warm = System.nanoTime() + iv.multipliedBy(tko * 3L).toNanos();
    while (System.nanoTime() < warm || engines.get(nodes - 1).currentMaster().isEmpty()) {
      Thread.sleep(iv.toMillis());
    }
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    devices.forEach(CountingBlockDevice::reset);
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long cpu = os.getProcessCpuTime() - cpu0;
    double intervals = (System.nanoTime() - wall0) / (double) iv.toNanos();
    long ops = 0;
    long bytes = 0;
    for (CountingBlockDevice c : devices) {
      ops += c.ops();
      bytes += c.bytes();
    }
    var out = spec.commandLine().getOut();
    out.printf(
        "nodes %d, interval %d ms, tko %d, %.0f intervals measured%n",
        nodes, iv.toMillis(), tko, intervals);
    out.printf(
        "CPU per node per interval: %.1f us (%.2f%% of one core per node)%n",
        cpu / 1000.0 / nodes / intervals, 100.0 * cpu / nodes / (intervals * iv.toNanos()));
    out.printf(
        "I/O per node per interval: %.2f ops, %.1f KiB%n",
        ops / (double) nodes / intervals, bytes / 1024.0 / nodes / intervals);
    long frozen = System.nanoTime();
    devices.get(victim - 1).freeze();
    long limit = frozen + iv.multipliedBy(tko * 4L).toNanos();
    while (downAt.size() < nodes - 1 && System.nanoTime() < limit) {
      Thread.sleep(10);
    }
    for (int n = 2; n <= nodes; n++) {
      Long at = downAt.get(n);
      out.printf(
          "node %d saw node %d DOWN after %s (interval x tko = %d ms)%n",
          n,
          victim,
          at == null ? "never" : (at - frozen) / 1_000_000 + " ms",
          t.detectionTime().toMillis());
      if (nodes > 8 && n >= 4) {
        out.printf("... (%d more)%n", nodes - n);
        break;
      }
    }
    devices.get(victim - 1).thaw();
    engines.forEach(QuorumDisk::close);
    if (file == null) {
      Files.deleteIfExists(disk);
    }
    return 0;
  }
}
