package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.SelfFence;
import dev.quorate.qdisk.SelfFenceReason;
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
  static final UUID SET = UUID.randomUUID();

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
  private final int slots;

  SimCluster(int diskCount, int slots) throws Exception {
    this.slots = slots;
    for (int i = 0; i < diskCount; i++) {
      MemoryBlockDevice d = new MemoryBlockDevice("disk" + i, (1 + 2 * slots) * 4096);
      DiskHeader h =
          new DiskHeader(DiskHeader.CURRENT_VERSION, UUID.randomUUID(), SET, "sim", slots, TIMING);
      DiskFormatter.format(d, h, false);
      disks.add(d);
      headers.add(h);
    }
  }

  HeartbeatEngine start(int node) {
    return start(node, (reason, detail) -> fenced.put(node, reason));
  }

  /** Starts {@code node} with its own self-fence action. */
  HeartbeatEngine start(int node, SelfFence fence) {
    List<FaultyBlockDevice> mine = new ArrayList<>();
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
    HeartbeatEngine e =
        new HeartbeatEngine(
            new HeartbeatEngine.Config(
                node,
                TIMING,
                channels,
                fence,
                board,
                clock.view(node * 7_919_000_000L),
                List.of(events::add, event -> checkStatusShows(node, event)),
                Runnable::run,
                () -> {},
                "sim-node-" + node));
    e.prepare();
    engines.put(node, e);
    views.put(node, mine);
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

  BlockDevice view(int node, int disk) {
    return views.get(node).get(disk);
  }

  FaultyBlockDevice faults(int node, int disk) {
    return views.get(node).get(disk);
  }
}
