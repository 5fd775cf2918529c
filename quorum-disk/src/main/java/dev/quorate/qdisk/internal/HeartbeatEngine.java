package dev.quorate.qdisk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.NodeStatus;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.QuorumDiskEvent.Kind;
import dev.quorate.qdisk.QuorumDiskStatus;
import dev.quorate.qdisk.SlotState;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat loop of one node. {@link #tick()} is one heartbeat and runs on one thread at a
 * time; {@link #currentMaster()} and {@link #status()} read volatile fields from any thread.
 */
final class HeartbeatEngine implements QuorumDisk {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatEngine.class);

  /** Everything the engine needs; built by {@link EngineFactory} or by tests. */
  public record Config(
      int nodeId,
      DiskTiming timing,
      List<DiskChannel> disks,
      SelfFence selfFence,
      ScoreBoard scores,
      MonotonicClock clock,
      List<Consumer<QuorumDiskEvent>> listeners,
      Executor ioExecutor,
      AutoCloseable resources,
      String host) {}

  private enum Phase {
    NEW,
    RUNNING,
    /** Refused before the first write: the slot is unreadable, exhausted or in use. */
    REFUSED,
    FENCED,
    CLOSED
  }

  private final Config cfg;
  private final int self;
  private final long deadline;
  private final long ioTimeout;
  private final int majority;
  private final TreeMap<Integer, PeerTracker> peers = new TreeMap<>();
  private final Election election;
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
  private final Object tickLock = new Object();
  private HeartbeatSlot current;
  private long lastRenewal;
  private long heartbeats;
  private long ownMisses;
  private long lastTestMessage = -1;

  /** A second writer of this slot found by a beat that close() overtook; guarded by tickLock. */
  private String foreignAtClose;

  private int lastMasterSeen;
  private ScheduledExecutorService scheduler;
  private volatile long tenureUntil = Long.MIN_VALUE;
  private volatile boolean selfMaster;
  private volatile int peerMaster;
  private volatile long lastTickAt;
  private volatile QuorumDiskStatus snapshot;
  private final List<QuorumDiskEvent> pendingEvents = new ArrayList<>();

  /** Runs on the beat's thread between its "still running" check and its verdict; for tests. */
  private Runnable beforeVerdict = () -> {};

  /**
   * Creates the engine; nothing is read or written until {@link #start()} or {@link #prepare()}.
   */
  public HeartbeatEngine(Config cfg) {
    this.cfg = cfg;
    this.self = cfg.nodeId();
    this.deadline = cfg.timing().renewalDeadline().toNanos();
    this.ioTimeout = cfg.timing().ioTimeout().toNanos();
    this.majority = cfg.disks().size() / 2 + 1;
    this.election = new Election(self);
    for (int n = 1; n <= cfg.disks().get(0).header().slotCount(); n++) {
      if (n != self) {
        peers.put(n, new PeerTracker(n));
      }
    }
    // A status before the first heartbeat (a status server bound before start) says INIT.
    current = new HeartbeatSlot(self, 0, 0, SlotState.INIT, 0, false, 0, 0, List.of(), cfg.host());
    publish();
  }

  /**
   * Claims the slot (a claim record, then at least {@code tko} intervals of reading that nobody
   * else advances it), then starts heartbeating.
   *
   * @throws QuorateException REFUSED naming both processes if another process writes the slot
   */
  @Override
  public void start() {
    StartState s = begin();
    HeartbeatSlot claim = current.next(SlotState.INIT, 0, false, 0, 0, List.of());
    try {
      SlotClaim.run(cfg.disks(), claim, cfg.timing(), cfg.clock(), majority);
    } catch (QuorateException e) {
      phase.set(Phase.REFUSED);
      LOG.error("node {}: {}", self, e.getMessage());
      throw e;
    }
    current = claim;
    finishStart(s);
    ScheduledThreadPoolExecutor beats =
        new ScheduledThreadPoolExecutor(1, DaemonThreads.named("qdisk-heartbeat-" + self));
    // close() lets a beat in flight finish and drops the next one.
    beats.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler = beats;
    scheduler.execute(this::loop);
  }

  /**
   * Starts without claiming the slot, for tests that tick engines in lockstep on a fake clock:
   * reads the node's own slot on every disk, takes the next incarnation and continues the sequence;
   * clears fencing messages left for earlier incarnations. Writes nothing on refusal.
   */
  public void prepare() {
    finishStart(begin());
  }

  private StartState begin() {
    if (!phase.compareAndSet(Phase.NEW, Phase.RUNNING)) {
      throw new IllegalStateException("quorum disk engine already started or closed");
    }
    StartState s;
    try {
      s = StartState.read(cfg.disks(), self, majority);
    } catch (RuntimeException e) {
      // Refused before writing: close() must not write a STOPPED record either.
      phase.set(Phase.REFUSED);
      throw e;
    }
    current =
        new HeartbeatSlot(
            self,
            s.incarnation(),
            s.sequence(),
            SlotState.INIT,
            0,
            false,
            0,
            0,
            List.of(),
            cfg.host());
    return s;
  }

  private void finishStart(StartState s) {
    // The same message sits on every disk: one line per message, one CLEAR per disk.
    List<MailboxMessage> stale = s.staleMessages().stream().distinct().toList();
    for (MailboxMessage m : stale) {
      LOG.warn(
          "node {}: clearing the {} message from {} left for incarnation {} (this is {})",
          self,
          m.type(),
          m.sender() == 0 ? "the message command or a fence agent" : "node " + m.sender(),
          m.targetIncarnation(),
          s.incarnation());
    }
    stale.stream()
        .mapToLong(MailboxMessage::messageId)
        .max()
        .ifPresent(
            last -> {
              for (DiskChannel d : cfg.disks()) {
                clearIfStill(
                    d, stale, new MailboxMessage(self, MessageType.CLEAR, self, 0, last + 1));
              }
            });
    lastRenewal = cfg.clock().nanoTime();
    LOG.info(
        "node {} starts incarnation {} at sequence {} as '{}'",
        self,
        current.incarnation(),
        current.sequence(),
        cfg.host());
    publish();
  }

  /**
   * Clears the mailbox on {@code d} only if it still holds a message found before the claim: one
   * sent during the claim window (a fence agent that read the claim's incarnation) is read by the
   * first heartbeat instead of being overwritten.
   */
  private void clearIfStill(DiskChannel d, List<MailboxMessage> stale, MailboxMessage clear) {
    Optional<MailboxMessage> now;
    try {
      now = DiskReader.readMailbox(d.device(), d.header(), self).value();
    } catch (IOException e) {
      LOG.warn("node {}: mailbox on {} not cleared: {}", self, d.device().name(), e.getMessage());
      return;
    }
    if (now.isPresent() && stale.contains(now.get())) {
      d.deliver(clear);
    }
  }

  private void loop() {
    long start = cfg.clock().nanoTime();
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.error("node {}: heartbeat failed", self, e);
    }
    if (phase.get() == Phase.RUNNING) {
      long next = start + cfg.timing().interval().toNanos() - cfg.clock().nanoTime();
      // Late beats run once, not in a burst: a burst would count several misses in an instant.
      scheduler.schedule(this::loop, Math.max(0, next), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Sets what runs between a beat's "still running" check and its verdict, before {@link #start()}
   * or the first {@link #tick()}: a test overtakes a beat there with {@link #close()}.
   */
  void beforeVerdict(Runnable hook) {
    this.beforeVerdict = hook;
  }

  /** Runs one heartbeat. */
  public void tick() {
    synchronized (tickLock) {
      if (phase.get() != Phase.RUNNING) {
        return;
      }
      long t0 = cfg.clock().nanoTime();
      lastTickAt = t0;
      // Checked before writing: a node resuming from a pause must not write a single master
      // record once its deadline has passed.
      if (t0 - lastRenewal > deadline) {
        fence(SelfFenceReason.RENEWAL_DEADLINE, noRenewal(t0));
        return;
      }
      int score = cfg.scores().score();
      boolean eligible = score >= cfg.scores().minScore();
      HeartbeatSlot mine =
          current.next(
              election.state(), score, eligible, election.vote(), election.term(), upIds());
      List<DiskChannel.Round> rounds = runRounds(mine);
      Optional<String> foreign =
          rounds.stream()
              .map(DiskChannel.Round::foreignWriter)
              .flatMap(Optional::stream)
              .findFirst();
      if (phase.get() != Phase.RUNNING) {
        // Stopped while this beat's I/O ran (and maybe failed because of it): close() ends the
        // tenure as a clean stop; a failed round must not be reported as a lost majority. A
        // second writer found meanwhile is kept: close() must not mark its slot STOPPED.
        foreign.ifPresent(f -> foreignAtClose = f);
        return;
      }
      // close() may land from here on: the verdict's fence() then finds the engine CLOSED.
      beforeVerdict.run();
      long t1 = cfg.clock().nanoTime();
      current = mine;
      heartbeats++;
      // Before the watchdog is petted: a beat that found a second writer renews nothing.
      if (foreign.isPresent()) {
        fence(SelfFenceReason.DUPLICATE_NODE_ID, foreign.get());
        return;
      }
      long renewed = rounds.stream().filter(DiskChannel.Round::renewed).count();
      boolean inTime = t1 - t0 <= ioTimeout;
      if (renewed >= majority && inTime) {
        lastRenewal = t0;
        cfg.selfFence().renewed(t0);
      } else {
        ownMisses++;
      }
      if (readMailbox(rounds)) {
        return;
      }
      observePeers(rounds, t1);
      if (t1 - lastRenewal > deadline) {
        fence(SelfFenceReason.RENEWAL_DEADLINE, noRenewal(t1));
        return;
      }
      decide(eligible, renewed >= majority && inTime, t0, t1);
      publish();
    }
  }

  private String noRenewal(long now) {
    return "no renewal on a majority ("
        + majority
        + " of "
        + cfg.disks().size()
        + ") of disks for "
        + (now - lastRenewal) / 1_000_000
        + " ms; renewal deadline is "
        + deadline / 1_000_000
        + " ms";
  }

  private List<DiskChannel.Round> runRounds(HeartbeatSlot mine) {
    List<CompletableFuture<DiskChannel.Round>> futures = new ArrayList<>();
    for (DiskChannel d : cfg.disks()) {
      futures.add(
          CompletableFuture.supplyAsync(() -> d.heartbeat(mine, cfg.clock()), cfg.ioExecutor()));
    }
    // Each round is bounded by its disk's I/O timeout, so joining cannot hang.
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /** Returns true when a message fenced this node. */
  private boolean readMailbox(List<DiskChannel.Round> rounds) {
    for (DiskChannel.Round r : rounds) {
      if (r.mailbox() == null || r.mailbox().value().isEmpty()) {
        continue;
      }
      MailboxMessage m = r.mailbox().value().get();
      if (m.fences(current.incarnation())) {
        fence(
            m.type() == MessageType.EVICT ? SelfFenceReason.EVICTED : SelfFenceReason.POISON_PILL,
            m.type()
                + " from "
                + (m.sender() == 0 ? "an operator or fence agent" : "node " + m.sender())
                + " for incarnation "
                + current.incarnation());
        return true;
      }
      if (m.type() == MessageType.TEST && m.messageId() != lastTestMessage) {
        lastTestMessage = m.messageId();
        LOG.info("node {}: TEST message {} received", self, m.messageId());
        emit(Kind.TEST_MESSAGE, self, 0, "test message " + m.messageId());
      }
    }
    return false;
  }

  private void observePeers(List<DiskChannel.Round> rounds, long now) {
    for (PeerTracker p : peers.values()) {
      Optional<HeartbeatSlot> best = Optional.empty();
      boolean corrupt = false;
      for (DiskChannel.Round r : rounds) {
        Decoded<HeartbeatSlot> d = r.slot(p.nodeId);
        if (d == null) {
          continue;
        }
        if (d.isValid()) {
          HeartbeatSlot s = d.value().get();
          if (best.isEmpty() || newer(s, best.get())) {
            best = Optional.of(s);
          }
        } else {
          corrupt = true;
        }
      }
      PeerTracker.Transition t = p.observe(best, corrupt, now, cfg.timing());
      switch (t) {
        case UP -> emit(Kind.NODE_UP, p.nodeId, 0, "node " + p.nodeId + " is UP");
        case DOWN ->
            emit(
                Kind.NODE_DOWN,
                p.nodeId,
                0,
                "node "
                    + p.nodeId
                    + " is DOWN after "
                    + cfg.timing().tko()
                    + " heartbeats without a change");
        case RESTARTED ->
            emit(
                Kind.NODE_RESTARTED,
                p.nodeId,
                0,
                "node "
                    + p.nodeId
                    + " restarted: incarnation "
                    + p.last().map(HeartbeatSlot::incarnation).orElse(0L));
        case STOPPED -> emit(Kind.NODE_STOPPED, p.nodeId, 0, "node " + p.nodeId + " stopped");
        case UNDEAD ->
            emit(
                Kind.UNDEAD_WRITE,
                p.nodeId,
                0,
                "node " + p.nodeId + " wrote after it was declared DOWN");
        case NONE -> {}
      }
    }
  }

  private static boolean newer(HeartbeatSlot a, HeartbeatSlot b) {
    return a.incarnation() != b.incarnation()
        ? a.incarnation() > b.incarnation()
        : a.sequence() > b.sequence();
  }

  private void decide(boolean eligible, boolean renewedNow, long t0, long t1) {
    Election.Change change =
        election.decide(eligible, renewedNow, peers.values(), cfg.timing().tko());
    long until = lastRenewal + deadline;
    switch (change) {
      case BECAME_MASTER -> {
        tenureUntil = until;
        selfMaster = true;
        LOG.info("node {} is master, term {}", self, election.term());
      }
      case ABDICATED -> endTenure(abdication(eligible, renewedNow));
      case NONE -> {}
    }
    if (election.state() == SlotState.MASTER && t1 < until) {
      tenureUntil = until;
      emit(Kind.TENURE, self, election.term(), "master until", t1, until);
      evictDownPeers(t1);
    }
    int master =
        selfMaster
            ? self
            : Election.masterAmong(peers.values()).map(HeartbeatSlot::nodeId).orElse(0);
    peerMaster = selfMaster ? 0 : master;
    if (master != lastMasterSeen) {
      lastMasterSeen = master;
      emit(
          Kind.MASTER_CHANGED,
          master,
          election.term(),
          "master is now " + (master == 0 ? "none" : "node " + master));
    }
  }

  /** Why the election made this master step down, in the order Election checks. */
  private String abdication(boolean eligible, boolean renewedNow) {
    if (!eligible) {
      return "gave up the master role: heuristics score below the minimum, not eligible";
    }
    if (!renewedNow) {
      return "gave up the master role: no renewal on a majority of disks in time";
    }
    return Election.masterAmong(peers.values())
        .map(
            m -> "gave up the master role: node " + m.nodeId() + " claims it with term " + m.term())
        .orElse("gave up the master role");
  }

  private void endTenure(String why) {
    if (selfMaster) {
      selfMaster = false;
      tenureUntil = Long.MIN_VALUE;
      emit(Kind.TENURE_ENDED, self, election.term(), why);
    }
  }

  private void evictDownPeers(long now) {
    for (PeerTracker p : peers.values()) {
      if (!p.needsEviction() || cfg.clock().nanoTime() >= tenureUntil) {
        continue;
      }
      HeartbeatSlot victim = p.last().orElseThrow();
      MailboxMessage evict =
          new MailboxMessage(p.nodeId, MessageType.EVICT, self, victim.incarnation(), now);
      long delivered = cfg.disks().stream().filter(d -> d.deliver(evict)).count();
      if (delivered >= majority) {
        p.markEvicted();
        emit(
            Kind.EVICTED,
            p.nodeId,
            election.term(),
            "evicted node " + p.nodeId + " incarnation " + victim.incarnation());
      }
    }
  }

  private List<Integer> upIds() {
    List<Integer> up = new ArrayList<>();
    for (PeerTracker p : peers.values()) {
      if (p.isUp()) {
        up.add(p.nodeId);
      }
    }
    up.add(self);
    up.sort(null);
    return up;
  }

  private void fence(SelfFenceReason reason, String detail) {
    if (!phase.compareAndSet(Phase.RUNNING, Phase.FENCED)) {
      if (reason == SelfFenceReason.DUPLICATE_NODE_ID && phase.get() == Phase.CLOSED) {
        // close() overtook this beat after its phase check: it must fence, not write STOPPED into
        // the other writer's slot (a beat finding a second writer holds tickLock, as close() does).
        foreignAtClose = detail;
      }
      return;
    }
    // Stop acting before anything else: no vote, no master claim from here on.
    selfMaster = false;
    tenureUntil = Long.MIN_VALUE;
    peerMaster = 0;
    LOG.error("node {} fences itself ({}): {}", self, reason, detail);
    emit(Kind.SELF_FENCE, self, election.term(), reason + ": " + detail);
    publish();
    if (scheduler != null) {
      scheduler.shutdown();
    }
    cfg.selfFence().fence(reason, detail);
  }

  private void emit(Kind kind, int node, long term, String detail) {
    emit(kind, node, term, detail, cfg.clock().nanoTime(), 0);
  }

  private void emit(Kind kind, int node, long term, String detail, long at, long until) {
    // Held until the next publish(): a listener that reads status() must see what the event says.
    pendingEvents.add(new QuorumDiskEvent(kind, node, term, at, until, detail));
  }

  private void deliverEvents() {
    List<QuorumDiskEvent> due = List.copyOf(pendingEvents);
    pendingEvents.clear();
    for (QuorumDiskEvent e : due) {
      for (Consumer<QuorumDiskEvent> l : cfg.listeners()) {
        try {
          l.accept(e);
        } catch (RuntimeException ex) {
          LOG.warn("quorum disk listener failed on {}", e.kind(), ex);
        }
      }
    }
  }

  private void publish() {
    List<NodeStatus> nodes = peers.values().stream().map(PeerTracker::status).toList();
    snapshot =
        new QuorumDiskStatus(
            self,
            current.incarnation(),
            current.sequence(),
            phase.get() == Phase.FENCED ? current.state() : election.state(),
            phase.get() == Phase.FENCED,
            currentMaster().map(MemberId::value),
            election.term(),
            current.score(),
            current.eligible(),
            heartbeats,
            ownMisses,
            nodes,
            cfg.disks().stream().map(DiskChannel::health).toList());
    deliverEvents();
  }

  @Override
  public QuorumDiskStatus status() {
    return snapshot;
  }

  @Override
  public Optional<MemberId> currentMaster() {
    long now = cfg.clock().nanoTime();
    if (selfMaster && now < tenureUntil) {
      return Optional.of(MemberId.of(self));
    }
    int m = peerMaster;
    // A node whose own heartbeat stalled knows nothing current about its peers.
    if (m > 0 && now - lastTickAt < cfg.timing().detectionTime().toNanos()) {
      return Optional.of(MemberId.of(m));
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    Phase before = phase.getAndSet(Phase.CLOSED);
    if (scheduler != null) {
      // No interrupt: an interrupted FileChannel closes, and the STOPPED record could not be
      // written.
      scheduler.shutdown();
      try {
        scheduler.awaitTermination(cfg.timing().interval().toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (tickLock) {
      endTenure("stopped cleanly");
      if (before == Phase.RUNNING && foreignAtClose != null) {
        // The slot is another process's now: no STOPPED record over its beats, and the finding
        // goes where a beat's would have gone.
        LOG.error(
            "node {} fences itself ({}): {}",
            self,
            SelfFenceReason.DUPLICATE_NODE_ID,
            foreignAtClose);
        emit(
            Kind.SELF_FENCE,
            self,
            election.term(),
            SelfFenceReason.DUPLICATE_NODE_ID + ": " + foreignAtClose);
        publish();
        cfg.selfFence().fence(SelfFenceReason.DUPLICATE_NODE_ID, foreignAtClose);
      } else if (before == Phase.RUNNING) {
        HeartbeatSlot stopped =
            current.next(SlotState.STOPPED, current.score(), false, 0, election.term(), List.of());
        for (DiskChannel d : cfg.disks()) {
          try {
            d.writeOnly(stopped);
          } catch (java.io.IOException e) {
            LOG.warn(
                "node {}: could not mark {} stopped: {}",
                self,
                d.device().name(),
                Problems.describe(e));
          }
        }
        current = stopped;
        LOG.info("node {} stopped cleanly at sequence {}", self, stopped.sequence());
        if (cfg.clock().nanoTime() - lastRenewal <= deadline) {
          cfg.selfFence().disarm();
        } else {
          // Past its deadline the node may already count as fenced: leave a watchdog armed.
          LOG.error(
              "node {}: stopped after its renewal deadline ({}); self-fence not disarmed",
              self,
              noRenewal(cfg.clock().nanoTime()));
        }
      }
      publish();
    }
    try {
      cfg.resources().close();
    } catch (Exception e) {
      LOG.warn("node {}: closing disks failed: {}", self, Problems.describe(e));
    }
  }

  /** Exposed for the error path of start-up. */
  static QuorateException refuse(String message) {
    return new QuorateException(ErrorCode.CORRUPT_DATA, message);
  }
}
