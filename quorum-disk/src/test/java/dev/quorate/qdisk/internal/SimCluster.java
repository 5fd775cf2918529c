package dev.quorate.qdisk.internal;

import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several engines on shared memory disks, ticked in lockstep by the test on a fake clock. Each node
 * reaches each disk through its own fault-injecting view.
 */
final class SimCluster {
  /** One set per simulated cluster: disks of two clusters are of two formats. */
  final UUID set = UUID.randomUUID();

  static final DiskTiming TIMING =
      new DiskTiming(
          Duration.ofMillis(100),
          5,
          2,
          Duration.ofMillis(50),
          Duration.ofMillis(300),
          Duration.ofMillis(500));

  final FakeClock clock = new FakeClock();
  final List<MemoryBlockDevice> disks = new ArrayList<>();
  final List<DiskHeader> headers = new ArrayList<>();
  final Map<Integer, HeartbeatEngine> engines = new HashMap<>();
  final Map<Integer, List<FaultyBlockDevice>> views = new HashMap<>();
  final Map<Integer, AtomicInteger> scores = new HashMap<>();
  final Map<Integer, SelfFenceReason> fenced = new HashMap<>();
  final List<QuorumDiskEvent> events = new CopyOnWriteArrayList<>();

  /** Events whose listener found status() not yet showing what the event said. */
  final List<String> eventsAheadOfStatus = new CopyOnWriteArrayList<>();

  final Set<Integer> paused = new HashSet<>();
  private List<FaultyBlockDevice> lastViews;
  private final int slots;

  SimCluster(int diskCount, int slots) throws Exception {
    this.slots = slots;
    for (int i = 0; i < diskCount; i++) {
      MemoryBlockDevice d = new MemoryBlockDevice("disk" + i, (1 + 2 * slots) * 4096);
      DiskHeader h =
          new DiskHeader(DiskHeader.CURRENT_VERSION, UUID.randomUUID(), set, "sim", slots, TIMING);
      DiskFormatter.format(d, h, false);
      disks.add(d);
      headers.add(h);
    }
  }

  HeartbeatEngine start(int node) {
    return start(node, (reason, detail) -> fenced.put(node, reason));
  }

  /**
   * An engine for {@code node} on its own fault-injecting views, neither started nor ticked by
   * {@link #beat()}: a second process with the same node id.
   */
  HeartbeatEngine create(int node, SelfFence fence, MonotonicClock nodeClock, String host) {
    List<FaultyBlockDevice> mine = new ArrayList<>();
    lastViews = mine;
    List<DiskChannel> channels = new ArrayList<>();
    for (int i = 0; i < disks.size(); i++) {
      FaultyBlockDevice f = new FaultyBlockDevice(disks.get(i));
      mine.add(f);
      channels.add(new DiskChannel(f, headers.get(i)));
    }
    AtomicInteger score = scores.computeIfAbsent(node, n -> new AtomicInteger(1));
    ScoreBoard board =
        new ScoreBoard() {
          @Override
          public int score() {
            return score.get();
          }

          @Override
          public int minScore() {
            return 1;
          }
        };
    return new HeartbeatEngine(
        new HeartbeatEngine.Config(
            node,
            TIMING,
            channels,
            fence,
            board,
            nodeClock,
            List.of(events::add, event -> checkStatusShows(node, event)),
            Runnable::run,
            () -> {},
            host));
  }

  /** Starts {@code node} with its own self-fence action. */
  HeartbeatEngine start(int node, SelfFence fence) {
    HeartbeatEngine e = create(node, fence, clock.view(node * 7_919_000_000L), "sim-node-" + node);
    e.prepare();
    engines.put(node, e);
    views.put(node, lastViews);
    fenced.remove(node);
    return e;
  }

  private void checkStatusShows(int observer, QuorumDiskEvent event) {
    var status = engines.get(observer).status();
    boolean shown =
        switch (event.kind()) {
          case NODE_UP ->
              status.nodes().stream()
                  .anyMatch(
                      n ->
                          n.nodeId() == event.nodeId()
                              && n.liveness() == dev.quorate.qdisk.NodeLiveness.UP);
          case MASTER_CHANGED ->
              event.nodeId() == 0
                  ? status.master().isEmpty()
                  : status.master().equals(java.util.Optional.of(event.nodeId()));
          default -> true;
        };
    if (!shown) {
      eventsAheadOfStatus.add("node " + observer + " got " + event + " before status showed it");
    }
  }

  /** One interval: every running, unpaused node beats once, then time moves on. */
  void beat() {
    for (int n = 1; n <= slots; n++) {
      HeartbeatEngine e = engines.get(n);
      if (e != null && !paused.contains(n)) {
        e.tick();
      }
    }
    clock.advance(TIMING.interval());
  }

  void beat(int times) {
    for (int i = 0; i < times; i++) {
      beat();
    }
  }

  /** Beats until {@code done} holds, at most {@code max} times; returns the beats taken. */
  int beatUntil(java.util.function.BooleanSupplier done, int max) {
    for (int i = 0; i < max; i++) {
      if (done.getAsBoolean()) {
        return i;
      }
      beat();
    }
    throw new AssertionError("condition not reached in " + max + " beats");
  }

  /**
   * A clock whose sleep beats the cluster, one interval at a time: a claim or a read window then
   * sees the running nodes write, as it would in real time.
   */
  MonotonicClock beatingClock() {
    MonotonicClock base = clock.view(0);
    return new MonotonicClock() {
      @Override
      public long nanoTime() {
        return base.nanoTime();
      }

      @Override
      public void sleep(Duration d) {
        long beats = Math.max(1, d.toNanos() / TIMING.interval().toNanos());
        beat((int) beats);
      }
    };
  }

  /**
   * Writes into {@code node}'s slot on disk 0 a record of another process with the same node id (a
   * newer incarnation, another host label), as a second process started with that id does.
   */
  void writeForeignRecord(int node) throws java.io.IOException {
    HeartbeatSlot mine = DiskReader.readSlot(disks.get(0), headers.get(0), node).value().get();
    HeartbeatSlot other =
        new HeartbeatSlot(
            node,
            mine.incarnation() + 1,
            mine.sequence(),
            dev.quorate.qdisk.SlotState.INIT,
            0,
            false,
            0,
            0,
            List.of(),
            "other-host pid 7");
    disks
        .get(0)
        .write(Layout.slotOffset(node), RecordCodec.encodeSlot(headers.get(0).diskId(), other));
  }

  BlockDevice view(int node, int disk) {
    return views.get(node).get(disk);
  }

  FaultyBlockDevice faults(int node, int disk) {
    return views.get(node).get(disk);
  }
}
