package dev.quorate.reliability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The quorum-disk schedule: pause the master past its detection time, tear a heartbeat write, kill
 * the master, lose one disk of three for a while; one after another until the deadline.
 */
final class QdiskNemesis {
  private static final int BLOCK = 4096;
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private final Path dir;
  private final QdiskCluster cluster;
  private final Duration gap;
  private final Random random;

  QdiskNemesis(Path dir, QdiskCluster cluster, Duration gap, long seed) {
    this.dir = dir;
    this.cluster = cluster;
    this.gap = gap;
    this.random = new Random(seed);
  }

  void run(long deadline) throws Exception {
    try (BufferedWriter log =
        Files.newBufferedWriter(dir.resolve("qfaults.log"), StandardCharsets.UTF_8)) {
      for (int i = 0; System.nanoTime() < deadline; i++) {
        QdiskFault f =
            switch (QdiskFault.ROTATION.get(i % QdiskFault.ROTATION.size())) {
              case QdiskFault.PAUSE_MASTER -> pauseMaster();
              case QdiskFault.KILL_MASTER -> killMaster();
              case QdiskFault.TORN_WRITE -> tornWrite();
              default -> loseDisk();
            };
        log.write(f.line());
        log.newLine();
        log.flush();
        Thread.sleep(gap.toMillis()); // the quiet time between faults is part of the schedule
      }
    }
  }

  private int master() throws Exception {
    int[] m = new int[1];
    Poll.until(
        "the daemons agree on a master",
        SETTLE,
        () -> {
          var agreed = cluster.agreedMaster();
          agreed.ifPresent(x -> m[0] = x);
          return agreed.isPresent();
        });
    return m[0];
  }

  private QdiskFault pauseMaster() throws Exception {
    int m = master();
    Process p = cluster.process(m);
    long start = System.nanoTime();
    ChildProcesses.signal(p, "STOP");
    try {
      Poll.until("the paused master is evicted", SETTLE, () -> evictedSince(m, start));
    } finally {
      ChildProcesses.signal(p, "CONT");
    }
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    String outcome = exited ? "exit=" + p.exitValue() : "still-running";
    if (!exited) {
      ChildProcesses.killNow(p);
    }
    long end = System.nanoTime();
    cluster.start(m);
    return new QdiskFault(QdiskFault.PAUSE_MASTER, m, -1, start, end, outcome);
  }

  private QdiskFault killMaster() throws Exception {
    int m = master();
    long start = System.nanoTime();
    ChildProcesses.killNow(cluster.process(m));
    // Restarted at once it would take its role back by incarnation; let the survivors move on.
    Poll.until(
        "the survivors agree on another master",
        SETTLE,
        () -> cluster.agreedMaster().filter(x -> x != m).isPresent());
    long end = System.nanoTime();
    cluster.start(m);
    return new QdiskFault(QdiskFault.KILL_MASTER, m, -1, start, end, "killed");
  }

  /** Half of a heartbeat block lands, the other half keeps the old bytes: the CRC must catch it. */
  private QdiskFault tornWrite() throws IOException {
    int node = 1 + random.nextInt(QdiskCluster.NODES);
    int disk = random.nextInt(cluster.disks().size());
    long start = System.nanoTime();
    try (FileChannel ch =
        FileChannel.open(
            cluster.disks().get(disk), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      byte[] garbage = new byte[BLOCK / 2];
      random.nextBytes(garbage);
      ch.write(ByteBuffer.wrap(garbage), (long) node * BLOCK + BLOCK / 2);
      ch.force(false);
    }
    return new QdiskFault(QdiskFault.TORN_WRITE, node, disk, start, System.nanoTime(), "torn");
  }

  /** One disk of three reads as zeros for twice the detection time, then comes back as it was. */
  private QdiskFault loseDisk() throws Exception {
    int disk = random.nextInt(cluster.disks().size());
    Path file = cluster.disks().get(disk);
    ByteBuffer header = ByteBuffer.allocate(BLOCK);
    long start = System.nanoTime();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.read(header, 0);
      ch.write(ByteBuffer.allocate(BLOCK), 0);
      ch.force(false);
      Thread.sleep(2 * QdiskCluster.INTERVAL_MILLIS * QdiskCluster.TKO); // the disk stays lost
      header.flip();
      ch.write(header, 0);
      ch.force(false);
    }
    return new QdiskFault(QdiskFault.LOSE_DISK, -1, disk, start, System.nanoTime(), "restored");
  }

  private boolean evictedSince(int node, long since) throws IOException {
    for (int n = 1; n <= QdiskCluster.NODES; n++) {
      if (n == node) {
        continue;
      }
      for (QdiskEvent e : cluster.events(n)) {
        if (e.kind().equals("EVICTED") && e.node() == node && e.at() > since) {
          return true;
        }
      }
    }
    return false;
  }
}
