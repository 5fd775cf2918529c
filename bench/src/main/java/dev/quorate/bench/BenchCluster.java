package dev.quorate.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.client.FourLetterWordMain;

/**
 * A TestingCluster of three with ZooKeeper's defaults (fsync on). Every client of every library
 * connects to the same follower, the usual place of a client in an ensemble of three, so that no
 * library is luckier with its server than the other.
 */
final class BenchCluster implements AutoCloseable {
  private static final Pattern RECEIVED = Pattern.compile("Received: (\\d+)");
  private static final Pattern ZXID = Pattern.compile("Zxid: (0x[0-9a-fA-F]+)");

  private final TestingCluster cluster = new TestingCluster(specs());

  /** ZooKeeper's tick: sessions expire on its boundaries, within one tick after their timeout. */
  static final Duration TICK = Duration.ofMillis(500);

  private String follower;

  /**
   * Three servers ticking every {@link #TICK}: a session expires within one tick after its timeout
   * (ZooKeeper rounds expiry up to the next tick), which the failover workload measures. No limit
   * on connections per address (ZooKeeper's default is 60): every member of the bench connects from
   * 127.0.0.1, where real members would each come from their own host.
   */
  private static java.util.List<InstanceSpec> specs() {
    java.util.List<InstanceSpec> specs = new java.util.ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      int noConnectionLimit = 0;
      specs.add(
          new InstanceSpec(null, -1, -1, -1, true, id, (int) TICK.toMillis(), noConnectionLimit));
    }
    return specs;
  }

  void start() throws Exception {
    cluster.start();
    for (int attempt = 0; follower == null && attempt < 300; attempt++) {
      for (InstanceSpec spec : cluster.getInstances()) {
        String srvr;
        try {
          srvr = FourLetterWordMain.send4LetterWord("localhost", spec.getPort(), "srvr");
        } catch (Exception e) {
          continue;
        }
        if (srvr.contains("Mode: follower")) {
          follower = "localhost:" + spec.getPort();
          break;
        }
      }
      if (follower == null) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    if (follower == null) {
      throw new IllegalStateException("no follower in " + cluster.getConnectString());
    }
    try (CuratorFramework probe = newClient()) {
      probe.start();
      probe.blockUntilConnected();
      // A write proves the ensemble serves; it also makes the parents of both libraries' nodes.
      probe.createContainers("/curator/locks");
      probe.createContainers("/quorate/locks");
      probe.createContainers("/bench/raw");
    }
  }

  String follower() {
    return follower;
  }

  /**
   * Requests the follower has received from clients so far (the {@code Received} line of {@code
   * srvr}); the difference over a window, divided by the cycles, is the cost of one cycle in
   * requests, whichever library ran it.
   */
  long requestsReceived() {
    return srvr(RECEIVED);
  }

  private long srvr(Pattern line) {
    String port = follower.substring(follower.lastIndexOf(':') + 1);
    String srvr;
    try {
      srvr = FourLetterWordMain.send4LetterWord("localhost", Integer.parseInt(port), "srvr");
    } catch (Exception e) {
      throw new IllegalStateException("srvr on " + follower + " failed", e);
    }
    Matcher found = line.matcher(srvr);
    if (!found.find()) {
      throw new IllegalStateException("no " + line + " in srvr of " + follower + ": " + srvr);
    }
    return Long.parseLong(found.group(1));
  }

  /**
   * Waits until the three servers have applied the same last transaction (the {@code Zxid} of
   * {@code srvr}): a write is acknowledged once a quorum logged it, and a server behind would keep
   * part of the nodes out of a heap measured now (and in the next one).
   */
  void awaitInStep(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    java.util.Set<String> zxids = java.util.Set.of();
    while (System.nanoTime() - deadline < 0) {
      zxids = new java.util.HashSet<>();
      for (InstanceSpec spec : cluster.getInstances()) {
        try {
          Matcher found =
              ZXID.matcher(FourLetterWordMain.send4LetterWord("localhost", spec.getPort(), "srvr"));
          zxids.add(found.find() ? found.group(1) : "none from " + spec.getPort());
        } catch (Exception e) {
          zxids.add("no answer from " + spec.getPort());
        }
      }
      if (zxids.size() == 1) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the servers' state, not a synchronisation
    }
    throw new IllegalStateException("servers not in step within " + bound + ": " + zxids);
  }

  /** The same client settings for both libraries (Quorate's builder defaults). */
  CuratorFramework newClient() {
    return newClient(follower, Duration.ofSeconds(10));
  }

  /**
   * A client to {@code connectString} (the follower, or a {@link CutProxy} in front of it) asking
   * for {@code sessionTimeout}; otherwise as {@link #newClient()}.
   */
  CuratorFramework newClient(String connectString, Duration sessionTimeout) {
    return CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs((int) sessionTimeout.toMillis())
        .connectionTimeoutMs((int) Duration.ofSeconds(15).toMillis())
        .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 25))
        // Stay on the server given: Curator's ensemble tracker would otherwise learn the other
        // servers from the ensemble's config and move a client there (a client cut off behind a
        // CutProxy would reconnect around it, and its session would never expire).
        .ensembleTracker(false)
        .build();
  }

  @Override
  public void close() throws java.io.IOException {
    cluster.close();
  }
}
