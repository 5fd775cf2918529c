package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Injects faults one after another on a schedule until a deadline, each followed by a quiet gap,
 * and logs each to {@code faults.log}. Waiting here is the schedule itself (how long a server stays
 * dead, how long a holder stays paused), never a guess at when something has happened.
 */
final class Nemesis {
  private final Path dir;
  private final ZkEnsemble ensemble;
  private final Cast cast;
  private final Map<String, List<FaultProxy>> proxies;
  private final ResourceAddress resourceAddress;
  private final Duration session;
  private final Duration gap;
  private final List<Fault> rotation;
  private final Random random;
  private final Partitions partitions;

  /**
   * @param lab the run's network, or null when the rotation has no fault that needs one
   */
  Nemesis(
      Path dir,
      ZkEnsemble ensemble,
      Cast cast,
      Map<String, List<FaultProxy>> proxies,
      ResourceAddress resourceAddress,
      NetworkLab lab,
      RunSettings settings) {
    this.dir = dir;
    this.ensemble = ensemble;
    this.cast = cast;
    this.proxies = proxies;
    this.resourceAddress = resourceAddress;
    this.session = settings.session();
    this.gap = settings.gap();
    this.rotation = List.copyOf(settings.faults());
    this.random = new Random(settings.seed());
    this.partitions = lab == null ? null : new Partitions(lab, ensemble, cast.clientIds(), random);
  }

  /**
   * Runs the schedule until {@code deadline} (a {@link System#nanoTime()} value), and at least once
   * through the whole rotation: every fault type is injected however slow the machine is.
   */
  void run(long deadline) throws Exception {
    FaultRotation.run(dir, rotation, gap, deadline, this::inject);
  }

  private FaultRecord inject(Fault fault) throws Exception {
    return switch (fault) {
      case KILL_FOLLOWER -> killServer(fault, false);
      case KILL_LEADER -> killServer(fault, true);
      case PAUSE_HOLDER -> pauseHolder();
      case CUT_HOLDER -> cutHolder();
      case EXPIRE_SESSION -> expireHolder();
      case LOSE_CREATE_REPLY -> loseCreateReply();
      case KILL_HOLDER -> killHolder();
      case KILL_WAITER -> killWaiter();
      case KILL_RESOURCE -> killResource();
      case CLOCK_STEP -> new ClockStep(dir, cast).inject(notTheWriter());
      case PARTITION_LEADER ->
          strikeHolder(fault, holder -> partitions().apply(partitions().leaderWith(holder)));
      case ISOLATE_HOLDER ->
          strikeHolder(fault, holder -> partitions().apply(partitions().isolate(holder)));
      case BRIDGE, RING, CLIENT_TO_ONE_SERVER -> partition(fault);
      case FLAP_LINK -> flap();
      case LOSE_DISK, TORN_WRITES, LOST_WRITES, STALLED_WRITES, DUPLICATE_HOST_ID ->
          throw new IllegalArgumentException(fault + " is a disk-lease fault (see DiskNemesis)");
    };
  }

  private FaultRecord killServer(Fault fault, boolean leader) throws Exception {
    awaitServing();
    int lead = ensemble.leader().orElseThrow();
    List<Integer> followers = new ArrayList<>();
    for (int id = 1; id <= ensemble.size(); id++) {
      if (id != lead) {
        followers.add(id);
      }
    }
    int victim = leader ? lead : followers.get(random.nextInt(followers.size()));
    long start = System.nanoTime();
    ensemble.kill(victim);
    Thread.sleep(2000); // how long the server stays dead
    ensemble.start(victim);
    long end = System.nanoTime();
    awaitServing();
    return new FaultRecord(fault, "zk" + victim, start, end, true);
  }

  private FaultRecord pauseHolder() throws Exception {
    try (ResourceConnection resource = resourceAddress.connect()) {
      String holder = trapHolder(resource);
      Process p = cast.client(holder);
      long start = System.nanoTime();
      ChildProcesses.signal(p, "STOP");
      resource.spring(); // the reply waits in the stopped holder's socket
      try {
        Thread.sleep(beyondSession()); // paused past the session timeout
      } finally {
        ChildProcesses.signal(p, "CONT");
      }
      return new FaultRecord(Fault.PAUSE_HOLDER, holder, start, System.nanoTime(), true);
    }
  }

  private FaultRecord cutHolder() throws Exception {
    return strikeHolder(Fault.CUT_HOLDER, holder -> proxies.get(holder).forEach(FaultProxy::cut));
  }

  /** A way to cut a caught holder off: its proxies, drop rules in its namespace, a partition. */
  private interface Strike {
    void cut(String holder) throws Exception;
  }

  /**
   * Catches a holder inside its critical section, cuts it off, lets its held-back write go once
   * another client wrote, keeps it cut off past its session timeout, then heals.
   */
  private FaultRecord strikeHolder(Fault fault, Strike strike) throws Exception {
    try (ResourceConnection resource = resourceAddress.connect()) {
      String holder = trapHolder(resource);
      long start = System.nanoTime();
      try {
        strike.cut(holder);
        awaitOtherWriter(resource, holder);
        resource.spring();
        long rest = beyondSession() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (rest > 0) {
          Thread.sleep(rest); // cut off past the session timeout
        }
      } finally {
        resource.spring();
        proxies.get(holder).forEach(FaultProxy::heal);
        if (partitions != null) {
          partitions.heal();
        }
      }
      awaitServing();
      return new FaultRecord(fault, holder, start, System.nanoTime(), true);
    }
  }

  /** A partition of the servers (and clients) held past the session timeout, then healed. */
  private FaultRecord partition(Fault fault) throws Exception {
    awaitServing();
    Partitions.Plan plan =
        switch (fault) {
          case BRIDGE -> partitions().bridge();
          case RING -> partitions().ring();
          default -> partitions().clientToOne();
        };
    long start = System.nanoTime();
    try {
      partitions().apply(plan);
      Thread.sleep(beyondSession()); // how long the partition lasts
    } finally {
      partitions().heal();
    }
    long end = System.nanoTime();
    awaitServing();
    return new FaultRecord(fault, plan.name(), start, end, true);
  }

  /** A server's link down and up five times, one second each. */
  private FaultRecord flap() throws Exception {
    awaitServing();
    String server = "zk" + (1 + random.nextInt(ensemble.size()));
    long start = System.nanoTime();
    try {
      for (int i = 0; i < 5; i++) {
        partitions().linkDown(server);
        Thread.sleep(1000); // down
        partitions().heal();
        Thread.sleep(1000); // up
      }
    } finally {
      partitions().heal();
    }
    long end = System.nanoTime();
    awaitServing();
    return new FaultRecord(Fault.FLAP_LINK, server, start, end, true);
  }

  private Partitions partitions() {
    if (partitions == null) {
      throw new IllegalStateException("a partition fault in a run without network namespaces");
    }
    return partitions;
  }

  /** SIGKILLs the holder inside its critical section; a new client takes its place. */
  private FaultRecord killHolder() throws Exception {
    try (ResourceConnection resource = resourceAddress.connect()) {
      String caught = resource.trap(10_000);
      String holder = caught != null && cast.clientIds().contains(caught) ? caught : holder();
      long start = System.nanoTime();
      try {
        cast.killAndRestartClient(holder);
      } finally {
        resource.spring(); // the held-back reply goes to a dead socket
      }
      return new FaultRecord(Fault.KILL_HOLDER, holder, start, System.nanoTime(), caught != null);
    }
  }

  /** SIGKILLs a client that did not write last: it waits for the lock or is acquiring it. */
  private FaultRecord killWaiter() throws Exception {
    String victim = notTheWriter();
    long start = System.nanoTime();
    cast.killAndRestartClient(victim);
    return new FaultRecord(Fault.KILL_WAITER, victim, start, System.nanoTime(), true);
  }

  /** A client that did not write last: it waits for the lock or acquires it. */
  private String notTheWriter() throws IOException {
    List<String> others = new ArrayList<>(cast.clientIds());
    others.remove(holder());
    return others.get(random.nextInt(others.size()));
  }

  /** SIGKILLs the resource in the middle of the clients' writes and starts it again. */
  private FaultRecord killResource() throws Exception {
    long start = System.nanoTime();
    cast.killResource();
    cast.startResource();
    Poll.until(
        "the resource accepts connections again",
        Duration.ofSeconds(60),
        () -> {
          try (ResourceConnection c = resourceAddress.connect()) {
            return c.lastWriter() != null;
          } catch (IOException refused) {
            return false;
          }
        });
    return new FaultRecord(Fault.KILL_RESOURCE, "resource", start, System.nanoTime(), true);
  }

  private FaultRecord expireHolder() throws Exception {
    try (ResourceConnection resource = resourceAddress.connect()) {
      String holder = trapHolder(resource);
      try {
        long start = System.nanoTime();
        boolean expired = expire(holder);
        if (expired) {
          awaitOtherWriter(resource, holder);
        }
        return new FaultRecord(Fault.EXPIRE_SESSION, holder, start, System.nanoTime(), expired);
      } finally {
        resource.spring();
      }
    }
  }

  /** Ends {@code holder}'s session on the server: a second handle joins it and closes it. */
  private boolean expire(String holder) throws Exception {
    Path file = dir.resolve(holder + ".session");
    if (!Files.exists(file)) {
      return false;
    }
    String[] s = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper intruder =
        new ZooKeeper(
            ensemble.connectString(),
            Math.toIntExact(session.toMillis()),
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            Long.parseUnsignedLong(s[0], 16),
            Base64.getDecoder().decode(s[1]));
    try {
      return connected.await(10, TimeUnit.SECONDS);
    } finally {
      intruder.close(); // closing the joined session ends it on the server for its owner too
    }
  }

  /**
   * Catches a holder at its first write (see {@link Trap}); falls back to the last writer if no
   * write came within 10 s (the lock was not being granted, which the checker will report).
   */
  private String trapHolder(ResourceConnection resource) throws IOException {
    String caught = resource.trap(10_000);
    return caught != null && cast.clientIds().contains(caught) ? caught : holder();
  }

  /** Waits, bounded, until another client's write was accepted: the lock has moved on. */
  private void awaitOtherWriter(ResourceConnection resource, String holder) throws Exception {
    long bound = System.nanoTime() + session.plusSeconds(15).toNanos();
    while (System.nanoTime() < bound) {
      String last = resource.lastWriter();
      if (!last.equals(holder) && !last.equals("NONE")) {
        return;
      }
      Thread.sleep(20); // polling the resource's state
    }
  }

  private FaultRecord loseCreateReply() throws Exception {
    List<String> ids = cast.clientIds();
    String victim = ids.get(random.nextInt(ids.size()));
    List<FaultProxy> theirs = proxies.get(victim);
    long start = System.nanoTime();
    // Arm one proxy at a time would miss: the client talks to whichever server it is on.
    theirs.forEach(FaultProxy::loseNextCreateReply);
    long bound = start + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < bound && theirs.stream().noneMatch(FaultProxy::createReplyLost)) {
      Thread.sleep(5); // polling the proxies' state
    }
    theirs.forEach(FaultProxy::disarm);
    boolean fired = theirs.stream().anyMatch(FaultProxy::createReplyLost);
    return new FaultRecord(Fault.LOSE_CREATE_REPLY, victim, start, System.nanoTime(), fired);
  }

  /** The client that wrote last: the holder, or the one that held the lock a moment ago. */
  private String holder() throws IOException {
    try (ResourceConnection c = resourceAddress.connect()) {
      String who = c.lastWriter();
      if (cast.clientIds().contains(who)) {
        return who;
      }
    }
    List<String> ids = cast.clientIds();
    return ids.get(random.nextInt(ids.size()));
  }

  private long beyondSession() {
    return session.toMillis() * 3 / 2 + 1000;
  }

  private void awaitServing() throws InterruptedException {
    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!ensemble.serving()) {
      if (System.nanoTime() > bound) {
        throw new IllegalStateException("the ensemble did not serve within 120 s");
      }
      Thread.sleep(100); // polling the servers' state
    }
  }
}
