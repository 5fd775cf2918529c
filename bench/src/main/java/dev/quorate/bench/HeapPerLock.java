package dev.quorate.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

/**
 * Heap per held lease and per waiting request at N, measured the same way for every library: the
 * heap in use after full collections, before and after a member takes N locks, and again after a
 * second member queues a request on each. The servers run in this JVM, so the figures include the
 * lock nodes in three servers' trees; the raw row (N bare ephemeral nodes, no lock library) shows
 * that share. Threads are counted before and after the waits.
 */
final class HeapPerLock {
  static final String TITLE = "heap per lease and per waiting request";

  /** Threads that may outlive a measurement by a while (pool threads, not one per request). */
  private static final int LINGERING = 50;

  /** The system property naming a directory for class histograms of each phase. */
  static final String HISTOGRAMS = "quorate.bench.histograms";

  /** Containers are made ahead, so the measured part is the locks, not the parents. */
  private static final int OUTSTANDING = 500;

  /**
   * Requests are queued in batches of this many, each batch once the one before is in the servers'
   * tree, as a host taking over many VMs would pace them; the heap is measured after the last.
   */
  private static final int BATCH = 250;

  /** Longer than the keep-alive of idle pool threads (Quorate's: 10 s). */
  private static final Duration IDLE_THREADS_END = Duration.ofSeconds(11);

  /** How long the measured requests may wait: longer than any measurement. */
  private static final Duration WAITING = Duration.ofMinutes(10);

  private HeapPerLock() {}

  static ScalePoint run(BenchCluster cluster, BulkMember.Library library, int n, String run)
      throws Exception {
    List<String> names = new ArrayList<>();
    try (CuratorFramework setup = cluster.newClient()) {
      setup.start();
      setup.blockUntilConnected();
      for (int i = 0; i < n; i++) {
        names.add("heap-" + run + "-" + n + "-" + i);
      }
      createContainers(setup, names.stream().map(library::container).toList());
    }
    int threadsAtStart = ManagementFactory.getThreadMXBean().getThreadCount();
    ScalePoint point;
    try (BulkMember holder =
            library.newMember(cluster, cluster.follower(), Duration.ofSeconds(10));
        BulkMember waiter =
            library.newMember(cluster, cluster.follower(), Duration.ofSeconds(10))) {
      long heapBefore = usedHeap(cluster);
      histogram(library.name(), n, "before");
      for (String name : names) {
        holder.hold(name);
      }
      long heapHeld = usedHeap(cluster);
      histogram(library.name(), n, "held");
      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
      for (int from = 0; from < n; from += BATCH) {
        List<String> batch = names.subList(from, Math.min(n, from + BATCH));
        List<CompletableFuture<Void>> requests = new ArrayList<>();
        for (String name : batch) {
          requests.add(waiter.request(name, WAITING)); // waiting, not failing, if slow
        }
        // Counted per lock, not as the server's node count: the server reaps the empty containers
        // of earlier runs meanwhile, which would hide a whole batch.
        Queue<String> unqueued = new ArrayDeque<>(batch.stream().map(library::container).toList());
        try {
          Waits.until(
              () -> queuedBehindHolder(holder.client(), unqueued),
              waitBound(BATCH),
              "a batch queued");
        } catch (IllegalStateException e) {
          throw new IllegalStateException(
              e.getMessage() + " (batch from " + from + ": " + failures(requests) + ")", e);
        }
      }
      long heapWaiting = usedHeap(cluster);
      histogram(library.name(), n, "waiting");
      int threadsWaiting = ManagementFactory.getThreadMXBean().getThreadCount();
      // Threads that only carried a request while it was being queued end when idle.
      TimeUnit.NANOSECONDS.sleep(IDLE_THREADS_END.toNanos()); // a measurement window
      int threadsLater = ManagementFactory.getThreadMXBean().getThreadCount();
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("KB per held lease", (heapHeld - heapBefore) / 1024.0 / n);
      figures.put("KB per waiting request", (heapWaiting - heapHeld) / 1024.0 / n);
      figures.put("threads per waiting request", (threadsWaiting - threadsBefore) / (double) n);
      figures.put(
          "threads per waiting request 11 s later", (threadsLater - threadsBefore) / (double) n);
      point = new ScalePoint(TITLE, library.name(), n, Double.NaN, Double.NaN, figures);
    }
    deleteContainers(cluster, names.stream().map(library::container).toList());
    // Curator's waiters are threads that end after its members closed: thousands of threads'
    // objects freed in the next measurement's window unless they are gone before it starts.
    Waits.until(
        () -> ManagementFactory.getThreadMXBean().getThreadCount() <= threadsAtStart + LINGERING,
        Duration.ofSeconds(60),
        "the waiters' threads ended");
    return point;
  }

  /** N bare ephemeral nodes with a payload as long as Quorate's owner id: the servers' share. */
  static ScalePoint raw(BenchCluster cluster, int n, String run) throws Exception {
    byte[] payload =
        "host.example/12345/0f0e0d0c-0b0a-0908-0706-050403020100".getBytes(StandardCharsets.UTF_8);
    List<String> containers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      containers.add("/bench/heap-raw-" + run + "-" + n + "/" + i);
    }
    ScalePoint point;
    try (CuratorFramework client = cluster.newClient()) {
      client.start();
      client.blockUntilConnected();
      createContainers(client, containers);
      long heapBefore = usedHeap(cluster);
      histogram("raw", n, "before");
      Semaphore outstanding = new Semaphore(OUTSTANDING);
      for (String container : containers) {
        outstanding.acquire();
        client
            .create()
            .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
            .inBackground((c, event) -> outstanding.release())
            .forPath(container + "/n-", payload);
      }
      outstanding.acquire(OUTSTANDING);
      long heapHeld = usedHeap(cluster);
      histogram("raw", n, "held");
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("KB per held lease", (heapHeld - heapBefore) / 1024.0 / n);
      point =
          new ScalePoint(
              TITLE, "raw ephemeral node (servers' share)", n, Double.NaN, Double.NaN, figures);
    }
    deleteContainers(cluster, containers);
    return point;
  }

  /**
   * Deletes the containers a measurement made, once its clients closed (their nodes went with their
   * sessions). Left empty, the servers would reap them on their own schedule, during the next
   * measurement: thousands of nodes freed in its window (a held lease of Curator's measured 0.91 KB
   * at N = 3,000, below a bare node's share, in a run that left them). One that cannot be deleted
   * (not empty) is left to the reaper.
   */
  private static void deleteContainers(BenchCluster cluster, List<String> paths) throws Exception {
    try (CuratorFramework client = cluster.newClient()) {
      client.start();
      client.blockUntilConnected();
      Semaphore outstanding = new Semaphore(OUTSTANDING);
      for (String path : paths) {
        outstanding.acquire();
        client.delete().inBackground((c, event) -> outstanding.release()).forPath(path);
      }
      if (!outstanding.tryAcquire(OUTSTANDING, 60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("containers not deleted within 60 s");
      }
    }
  }

  /**
   * Drops from {@code unqueued} the containers with two nodes, holder and waiter; true if none
   * left. Counted per lock, not as the server's node count: the server reaps the empty containers
   * of earlier runs meanwhile, which would hide requests.
   */
  static boolean queuedBehindHolder(CuratorFramework reader, Queue<String> unqueued) {
    try {
      for (String container; (container = unqueued.peek()) != null; unqueued.remove()) {
        if (reader.getChildren().forPath(container).size() < 2) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the queue of " + unqueued.peek(), e);
    }
  }

  /** How many requests of a batch failed, and the first failure: a batch that never queues. */
  private static String failures(List<CompletableFuture<Void>> requests) {
    List<Throwable> failed = new ArrayList<>();
    for (CompletableFuture<Void> request : requests) {
      request.whenComplete(
          (done, e) -> {
            if (e != null) {
              synchronized (failed) {
                failed.add(e);
              }
            }
          });
    }
    synchronized (failed) {
      return failed.size()
          + " of "
          + requests.size()
          + " requests failed"
          + (failed.isEmpty() ? "" : ", first: " + failed.get(0));
    }
  }

  /**
   * How long a batch of {@code n} requests may take to be queued: generous, as the machine may be
   * loaded (a full collection of the servers' and both members' heaps, thousands of Curator waiter
   * threads starting); only the heap is measured, never how fast the batch came.
   */
  private static Duration waitBound(int n) {
    return Scenarios.ACQUIRE_BOUND.plusMillis(100L * n);
  }

  /** Makes the containers with up to {@link #OUTSTANDING} creates in flight. */
  private static void createContainers(CuratorFramework client, List<String> paths)
      throws Exception {
    client.createContainers(paths.get(0));
    Semaphore outstanding = new Semaphore(OUTSTANDING);
    for (String path : paths.subList(1, paths.size())) {
      outstanding.acquire();
      client
          .create()
          .withMode(CreateMode.CONTAINER)
          .inBackground((c, event) -> outstanding.release())
          .forPath(path);
    }
    if (!outstanding.tryAcquire(OUTSTANDING, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("containers not made within 60 s");
    }
  }

  /**
   * Writes the class histogram of the live heap (as {@code jcmd <pid> GC.class_histogram} prints
   * it) to {@code <dir>/<library>-<n>-<phase>.txt} if the system property {@value #HISTOGRAMS}
   * names a directory: the difference of two phases tells which objects the locks cost.
   */
  private static void histogram(String library, int n, String phase) throws Exception {
    String dir = System.getProperty(HISTOGRAMS);
    if (dir == null) {
      return;
    }
    Object text =
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
    String file = library.replaceAll("[^A-Za-z0-9]+", "_") + "-" + n + "-" + phase + ".txt";
    Files.createDirectories(Path.of(dir));
    Files.writeString(Path.of(dir, file), text.toString());
  }

  /** {@link #usedHeap()} once the three servers hold every node made so far. */
  private static long usedHeap(BenchCluster cluster) throws InterruptedException {
    cluster.awaitInStep(Duration.ofSeconds(60));
    return usedHeap();
  }

  /** The heap in use after full collections (until it stops shrinking, at most five). */
  static long usedHeap() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return Math.min(used, now);
      }
      used = now;
    }
    return used;
  }
}
