package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumListener;
import dev.quorate.quorum.QuorumService;
import dev.quorate.zk.ArbiterDecision;
import dev.quorate.zk.ArbiterHeuristic;
import dev.quorate.zk.ArbiterReport;
import dev.quorate.zk.Ffsplit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code ZkArbiter}: publishes the local member's report on the witness, decides
 * with {@link Ffsplit} from all reports, and moves the vote token.
 *
 * <p>Every member computes the same decision from the reports, but two members may read the witness
 * at different moments. The vote token makes the hand-over safe: the vote belongs to the partition
 * named by the one ephemeral {@code vote} node. A member of the winning partition creates it only
 * when it is absent (a create is atomic, so one creator wins); the member that created it deletes
 * it when the decision moves to another partition; and if that member is cut off, the token goes
 * with its witness session. A member casts the vote only while the token, the decision and its own
 * current partition all agree, and stops at once when its witness connection is SUSPENDED.
 *
 * <p>Other members of the old partition may still count the vote for the moment it takes their
 * watch to fire, so each report also says whether its member counts the vote now, and a new winner
 * creates the token only when no member outside its partition reports that it does (a member that
 * is cut off keeps reporting it until its witness session ends, having stopped counting at
 * SUSPENDED). This is qnetd's rule of taking the vote from the old holder before giving it away.
 * The order of reads makes it hold between two members reading at different moments: a member
 * announces before the token read that lets it count, and a new winner reads the reports after the
 * read that found the token gone, and creates the token only if no token was created since it
 * looked (a generation moved on in the same transaction).
 */
public final class ArbiterSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArbiterSession.class);

  private final Witness witness;
  private final MemberId local;
  private final List<ArbiterHeuristic> heuristics;
  private final Ffsplit.LastResort lastResort;
  private final ExecutorService worker;
  private final Runnable watcher = this::scheduleDecision;
  private final AtomicBoolean decisionPending = new AtomicBoolean();
  private final Consumer<ConnectionState> connectionListener = this::onConnection;
  private final QuorumListener partitionListener = this::onQuorumChange;

  private volatile QuorumService quorum;
  private volatile boolean connected;
  private volatile SortedSet<MemberId> castingFor;
  private volatile ArbiterDecision decision =
      new ArbiterDecision(Optional.empty(), Ffsplit.Rule.NO_REPORTS, "nothing read yet");
  private volatile boolean closed;
  // Guards the start of counting against connection changes; counts every connection change.
  private final ReentrantLock castingLock = new ReentrantLock();
  private long connectionEpoch;
  // Only on the worker thread:
  private boolean previouslyQuorate;
  private ArbiterReport published;

  /**
   * Creates the session; {@link #attach} starts it.
   *
   * @param client a started, connected client of the witness
   * @param root the arbiter's root path on the witness
   * @param local the local member
   * @param heuristics the checks run on every partition change
   * @param lastResort which id wins when all else ties
   */
  public ArbiterSession(
      CuratorFramework client,
      String root,
      MemberId local,
      List<ArbiterHeuristic> heuristics,
      Ffsplit.LastResort lastResort) {
    this(
        new ZkWitness(client, root, local),
        local,
        heuristics,
        lastResort,
        Executors.newSingleThreadExecutor(DaemonThreads.named("quorate-arbiter-" + local)));
  }

  /** Tests drive the protocol against an in-memory witness, with their own worker. */
  ArbiterSession(
      Witness witness,
      MemberId local,
      List<ArbiterHeuristic> heuristics,
      Ffsplit.LastResort lastResort,
      ExecutorService worker) {
    this.witness = witness;
    this.local = local;
    this.heuristics = List.copyOf(heuristics);
    this.lastResort = lastResort;
    this.worker = worker;
  }

  /**
   * Starts reporting the quorum service's partition and deciding.
   *
   * @param quorum the local member's quorum service, whose policy uses this arbiter
   * @throws IllegalStateException if already attached
   */
  public void attach(QuorumService quorum) {
    Objects.requireNonNull(quorum, "quorum");
    if (this.quorum != null) {
      throw new IllegalStateException("arbiter of member " + local + " is already attached");
    }
    this.quorum = quorum;
    previouslyQuorate = quorum.addListener(partitionListener).quorate();
    witness.listen(connectionListener);
    connected = witness.isConnected();
    schedule(this::publishQuietly);
  }

  /**
   * Tells whether the arbiter's vote goes to this partition now; never blocks.
   *
   * @param partition the partition being evaluated
   * @return true if this member holds the vote for exactly this partition
   */
  public boolean castsVote(SortedSet<MemberId> partition) {
    SortedSet<MemberId> casting = castingFor;
    return connected && !closed && casting != null && casting.equals(partition);
  }

  /**
   * Returns the latest decision this member computed.
   *
   * @return the decision
   */
  public ArbiterDecision decision() {
    return decision;
  }

  private void onQuorumChange(QuorumEvent event) {
    if (!event.current().members().equals(event.previous().members())) {
      schedule(
          () -> {
            previouslyQuorate = event.previous().quorate();
            publishQuietly();
          });
    }
  }

  private void onConnection(ConnectionState state) {
    castingLock.lock();
    try {
      connectionEpoch++;
      connected = state.isConnected();
    } finally {
      castingLock.unlock();
    }
    if (!connected) {
      // No connection to the arbiter, no vote: at once, not when the witness session expires.
      setCasting(null);
      log.warn("member {} is {} from the arbiter's witness: no arbiter vote", local, state);
      return;
    }
    schedule(this::publishQuietly);
  }

  private void schedule(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("arbiter of member {} closed; task skipped", local, e);
    }
  }

  private void scheduleDecision() {
    // One pending decision covers every event before it starts: a burst of watches is one read.
    if (decisionPending.compareAndSet(false, true)) {
      schedule(
          () -> {
            decisionPending.set(false);
            decideQuietly();
          });
    }
  }

  private void publishQuietly() {
    try {
      publish();
      decide();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The next watch or connection event tries again.
      log.warn("member {} could not report to the arbiter: {}", local, e.toString());
    }
  }

  private void decideQuietly() {
    try {
      decide();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("member {} could not read the arbiter's state: {}", local, e.toString());
    }
  }

  private void publish() throws Exception {
    if (closed || !connected) {
      return;
    }
    int passed = 0;
    int failed = 0;
    for (ArbiterHeuristic heuristic : heuristics) {
      if (passes(heuristic)) {
        passed++;
      } else {
        failed++;
      }
    }
    SortedSet<MemberId> view = quorum.state().members();
    if (view.isEmpty()) {
      return; // nothing fed yet
    }
    ArbiterReport report = new ArbiterReport(local, view, passed, failed, previouslyQuorate);
    if (!report.equals(published)) {
      log.info("member {} reports to the arbiter: {}", local, report);
    }
    SortedSet<MemberId> casting = castingFor;
    if (casting != null && !casting.equals(view)) {
      // The report is about to name another partition: stop counting for the old one first, or
      // its view coming back would count a vote no report announces any more.
      setCasting(null);
    }
    published = report;
    writeReport(castingFor != null);
  }

  /**
   * Writes the latest report, saying whether this member counts (or is about to count) the vote.
   *
   * @return false if nothing was written (closed, cut off, or nothing to report yet)
   */
  private boolean writeReport(boolean castingVote) throws Exception {
    if (closed || !connected || published == null) {
      return false;
    }
    witness.writeReport(new ArbiterNodes.Stored(published, castingVote));
    return true;
  }

  private boolean passes(ArbiterHeuristic heuristic) throws InterruptedException {
    try {
      return heuristic.passes();
    } catch (RuntimeException e) {
      log.warn("member {}: heuristic {} failed: {}", local, heuristic, e.toString());
      return false;
    }
  }

  private void decide() throws Exception {
    if (closed || quorum == null) {
      return;
    }
    ArbiterDecision next = decideFrom(witness.readReports(watcher));
    if (!next.equals(decision)) {
      log.info("member {} sees arbiter decision: {}", local, next.reason());
    }
    decision = next;
    long generation = witness.tokenGeneration();
    Optional<Witness.TokenRead> read = witness.readToken(watcher);
    ArbiterNodes.Token token = read.map(Witness.TokenRead::token).orElse(null);
    if (token != null && read.get().ownedByThisSession() && !next.votesFor(token.partition())) {
      // The decision moved: hand the vote over. The watch on the token brings the next round.
      witness.deleteToken(read.get().version());
      log.info("member {} releases the arbiter vote of {}", local, token.partition());
      if (setCasting(null)) {
        writeReport(false);
      }
      return;
    }
    SortedSet<MemberId> view = published == null ? null : published.partition();
    boolean mine = view != null && next.votesFor(view) && view.equals(quorum.state().members());
    if (!mine || token == null || !token.partition().equals(view)) {
      if (setCasting(null)) {
        writeReport(false); // stop counting before the report says so
      }
    } else if (castingFor == null) {
      startCasting(view);
    }
    if (token == null && mine) {
      takeToken(view, generation);
    }
  }

  private ArbiterDecision decideFrom(Map<MemberId, ArbiterNodes.Stored> reports) {
    return Ffsplit.decide(
        quorum.policy().topology(),
        reports.values().stream().map(ArbiterNodes.Stored::report).toList(),
        lastResort);
  }

  /**
   * Announces that this member counts the vote, then reads the token again and counts only if it
   * still names the partition. A new winner reads the reports only after it found the token gone,
   * and ZooKeeper applies writes in one order on every server, so whichever of the two reads comes
   * second sees the other's step: either this member sees the token gone, or the new winner sees
   * this member counting and waits.
   */
  private void startCasting(SortedSet<MemberId> view) throws Exception {
    long epoch = connectionEpoch();
    if (!writeReport(true)) {
      return;
    }
    Optional<Witness.TokenRead> again = witness.readToken(watcher);
    if (again.isPresent() && again.get().token().partition().equals(view)) {
      // If the connection changed meanwhile, its RECONNECTED brings a new round.
      setCasting(view, epoch);
    } else {
      writeReport(false);
    }
  }

  /**
   * Creates the token for this member's partition, unless a member outside it still counts the
   * vote. The reports are read again here, after the token was found absent: a member that counts
   * announced it before its own read of the token, so its report shows it now.
   */
  private void takeToken(SortedSet<MemberId> view, long generation) throws Exception {
    Map<MemberId, ArbiterNodes.Stored> reports = witness.readReports(watcher);
    ArbiterDecision fresh = decideFrom(reports);
    if (!fresh.votesFor(view)) {
      return; // the reports changed meanwhile; their watch brings the next round
    }
    Optional<MemberId> stillCounting =
        reports.values().stream()
            // Any other partition, overlapping ones included: a member of this partition may still
            // count the vote for the larger view it reported a moment ago.
            .filter(r -> r.castingVote() && !r.report().partition().equals(view))
            .map(r -> r.report().member())
            .findFirst();
    if (stillCounting.isPresent()) {
      // Its report's next change (or its session's end) brings the next round.
      log.info(
          "member {} waits: member {} still counts the arbiter vote", local, stillCounting.get());
      return;
    }
    if (witness.createToken(new ArbiterNodes.Token(view, local), generation)) {
      log.info("member {} takes the arbiter vote for {}: {}", local, view, fresh.reason());
    } else {
      log.debug("member {}: another member took the arbiter vote first", local);
    }
  }

  private long connectionEpoch() {
    castingLock.lock();
    try {
      return connectionEpoch;
    } finally {
      castingLock.unlock();
    }
  }

  /** Returns true if the casting partition changed; the quorum service was refreshed then. */
  private boolean setCasting(SortedSet<MemberId> partition) {
    return setCasting(partition, -1);
  }

  /**
   * Sets the partition this member counts the vote for. A partition is set only if the connection
   * has not changed since {@code epoch}: reads made before a SUSPENDED or a lost session must not
   * start counting after it, when the announcement they relied on may be gone with the session.
   */
  private boolean setCasting(SortedSet<MemberId> partition, long epoch) {
    SortedSet<MemberId> before;
    castingLock.lock();
    try {
      if (partition != null && (epoch != connectionEpoch || !connected || closed)) {
        return false;
      }
      before = castingFor;
      castingFor = partition;
    } finally {
      castingLock.unlock();
    }
    QuorumService service = quorum;
    if (Objects.equals(before, partition)) {
      return false;
    }
    log.info("member {}: arbiter vote {}", local, partition == null ? "withheld" : partition);
    if (service != null) {
      try {
        service.refresh();
      } catch (QuorateException e) {
        if (e.code() != ErrorCode.CLOSED) {
          throw e;
        }
      }
    }
    return true;
  }

  /**
   * Stops counting the vote, then withdraws the report and any token this member holds (so a client
   * that stays open does not keep others waiting), waiting at most a few seconds for it; a
   * withdrawal held up by a round in flight still happens when the round ends. Does not close the
   * client.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    setCasting(null);
    witness.unlisten(connectionListener);
    QuorumService service = quorum;
    if (service != null) {
      service.removeListener(partitionListener);
    }
    if (!connected) {
      withdrawWhenReconnected();
      return;
    }
    try {
      worker.execute(witness::withdraw);
      worker.shutdown();
      // The worker is never stopped with the withdrawal still queued: a round in flight (a slow
      // heuristic) delays it, and dropping it would leave the report and token on the witness for
      // as long as a client the user keeps open lives.
      if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn(
            "arbiter of member {}: report not withdrawn within 5 s; it will be when the current"
                + " round ends",
            local);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RejectedExecutionException e) {
      log.debug("arbiter of member {} already stopped", local, e);
    }
  }

  /**
   * Cut off at close: the report and token go with the witness session if it ends, but a client the
   * user keeps open may come back to the same session, and then they would stay and keep the other
   * half from the vote for good. Withdraw them then, on the worker, after any round still running.
   */
  private void withdrawWhenReconnected() {
    AtomicBoolean done = new AtomicBoolean();
    Consumer<ConnectionState> cleaner =
        new Consumer<>() {
          @Override
          public void accept(ConnectionState state) {
            if (state == ConnectionState.LOST) {
              finish(false);
            } else if (state.isConnected()) {
              finish(true);
            }
          }

          private void finish(boolean withdraw) {
            if (!done.compareAndSet(false, true)) {
              return;
            }
            witness.unlisten(this);
            if (withdraw) {
              schedule(witness::withdraw);
            }
            worker.shutdown();
          }
        };
    witness.listen(cleaner);
    if (witness.isConnected()) {
      cleaner.accept(ConnectionState.RECONNECTED); // came back before the listener was in place
    }
  }
}
