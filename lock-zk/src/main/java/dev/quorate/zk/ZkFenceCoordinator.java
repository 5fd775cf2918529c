package dev.quorate.zk;

import dev.quorate.fence.FenceCoordinator;
import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceNames;
import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.zk.internal.CuratorClients;
import dev.quorate.zk.internal.FenceClaimOwner;
import dev.quorate.zk.internal.FenceClaims;
import dev.quorate.zk.internal.ZkFenceHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fence coordination for every member of a cluster, and between clusters that share hosts, through
 * ZooKeeper: a per-target claim (two members never fence one target at once; the second waits, then
 * sees what the first recorded and reuses its success), at most one host-level fence in flight per
 * cluster and per physical host across clusters (all claimed in one {@code multi()}: all or none),
 * and one fence history per cluster that every member appends to and reads, so each target's quiet
 * time holds for all members and across restarts.
 *
 * <p>Nodes, under the root path (default {@code /quorate/fence}):
 *
 * <pre>
 * clusters/&lt;cluster&gt;/history/…r-0000000042   one persistent sequential node per FenceRecord (JSON)
 * clusters/&lt;cluster&gt;/targets/&lt;target&gt;        claim slot of one target
 * clusters/&lt;cluster&gt;/host-fence              the cluster's one host-level fence in flight
 * hosts/&lt;host&gt;                               one fence in flight per physical host, any cluster
 * …/&lt;slot&gt;/owner                             ephemeral: the claim's owner still has its session
 * </pre>
 *
 * <p><b>Crashes mid-fence.</b> A claim slot is persistent and is never deleted; empty means free,
 * otherwise its data names the owner, and an ephemeral child {@code owner} lives with the owner's
 * ZooKeeper session. A member that crashes (or loses its session) while fencing leaves its claims
 * set, because it may have left a host half powered off or an agent still running: they keep
 * blocking every other fence they cover, across restarts of every member. Such an abandoned claim
 * is let go only when
 *
 * <ul>
 *   <li>a member has seen that same claim abandoned (set, no {@code owner} child, unchanged data
 *       version) for {@link Builder#abandonAfter} on its <em>own</em> monotonic clock; it then
 *       takes it over in the same versioned {@code multi()} that claims it. Wall clocks of two
 *       machines are never compared, and a member that restarts starts counting again. Set {@code
 *       abandonAfter} above the longest fence a member can run (its fencer's deadline plus its
 *       largest delay), so that an agent the crashed owner started has ended; or
 *   <li>an operator releases it with {@link #releaseAbandoned} (only claims whose owner's session
 *       has ended; a live claim is its owner's to release).
 * </ul>
 *
 * A restarted member does not free its own earlier claims by itself, because its earlier agent may
 * still be running; it logs them at start, and then the same two rules apply. Every change of a
 * slot is a versioned {@code setData}, so a stale owner can never release a claim taken over since.
 *
 * <p>The history is read in sequence order and cached (records never change). A history node that
 * is not a fence record fails the read with its path ({@link
 * dev.quorate.lock.ErrorCode#CORRUPT_DATA}) rather than being skipped: a skipped record could be a
 * fence, and forgetting it would lift that target's quiet time.
 *
 * <pre>{@code
 * ZkFenceCoordinator coordinator =
 *     ZkFenceCoordinator.builder(curator, "cluster-1", "node-b")
 *         .abandonAfter(Duration.ofMinutes(5))
 *         .build();
 * Fencer fencer = Fencer.builder(topology, agents, guard).coordinator(coordinator).build();
 * }</pre>
 */
public final class ZkFenceCoordinator implements FenceCoordinator {
  private static final Logger log = LoggerFactory.getLogger(ZkFenceCoordinator.class);

  /** The longest one wait on a watch lasts before the claim is read again. */
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final String cluster;
  private final String member;
  private final MonotonicClock clock;
  private final Duration abandonAfter;
  private final FenceClaims claims;
  private final ZkFenceHistory history;
  private final CuratorFramework client;
  private final String targets;
  private final String hostFence;
  private final String hosts;

  private ZkFenceCoordinator(Builder b, String root) {
    this.cluster = b.cluster;
    this.member = b.member;
    this.clock = b.clock;
    this.abandonAfter = b.abandonAfter;
    this.client = b.curator;
    String clusterPath = root + "/clusters/" + cluster;
    this.targets = clusterPath + "/targets";
    this.hostFence = clusterPath + "/host-fence";
    this.hosts = root + "/hosts";
    this.claims = new FenceClaims(client, clock, abandonAfter);
    this.history = new ZkFenceHistory(client, clusterPath + "/history");
  }

  /**
   * Starts a builder.
   *
   * @param curator the member's client; started if needed, never closed by the coordinator
   * @param cluster the cluster's name, unique among the clusters sharing the ensemble
   * @param member the name of the member whose fencer uses this coordinator
   * @return a new builder
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid
   */
  public static Builder builder(CuratorFramework curator, String cluster, String member) {
    return new Builder(curator, cluster, member);
  }

  /**
   * Opens, without claiming anything or creating any node, the fence history of every cluster that
   * has one under a coordinator root: for an operator's tool that lists recent fences or appends a
   * {@link FenceRecord#confirmation} (every member's fencer and recovery gate read it).
   *
   * <pre>{@code
   * ZkFenceCoordinator.histories(curator, "/quorate/fence")
   *     .forEach((cluster, history) -> history.records().forEach(System.out::println));
   * }</pre>
   *
   * @param curator a started, connected client
   * @param rootPath the coordinators' root path (default {@code /quorate/fence})
   * @return cluster name to its history, sorted by name; empty if no cluster has one
   * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
   * @throws QuorateException with {@link dev.quorate.lock.ErrorCode#REFUSED} naming the path if its
   *     ACL refuses this client, {@link dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if ZooKeeper
   *     fails
   */
  public static java.util.SortedMap<String, FenceHistory> histories(
      CuratorFramework curator, String rootPath) {
    String clusters = BuilderChecks.rootPath(rootPath, "/quorate/fence") + "/clusters";
    Objects.requireNonNull(curator, "curator");
    java.util.SortedMap<String, FenceHistory> out = new java.util.TreeMap<>();
    for (String cluster : childrenOf(curator, clusters)) {
      String history = clusters + "/" + cluster + "/history";
      if (!childrenOf(curator, clusters + "/" + cluster).contains("history")) {
        continue; // only claims so far
      }
      out.put(cluster, new ZkFenceHistory(curator, history));
    }
    return out;
  }

  @Override
  public FenceHistory history() {
    return history;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The claim is a ZooKeeper node: the wait follows its watch, and after the wait the claim
   * lists the target's records appended since the claim this one waited behind was taken. A claim
   * that cannot be read or written (no connection, corrupt data) is refused with the reason.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public Claim claimTarget(String target, Duration timeout) throws InterruptedException {
    FenceNames.check("fence target", target);
    Objects.requireNonNull(timeout, "timeout");
    long start = clock.nanoTime();
    String slot = targets + "/" + target;
    try {
      claims.ensureSlot(slot);
      long mark = history.lastSequence();
      FenceClaimOwner mine = owner(target, Set.of(), mark);
      // One watcher for the whole wait: ZooKeeper keeps one registration per watcher and path.
      Semaphore changed = new Semaphore(0);
      Watcher watcher = e -> changed.release();
      while (true) {
        FenceClaims.Attempt attempt = claims.take(List.of(slot), mine, watcher);
        if (attempt.granted()) {
          List<FenceRecord> since =
              history.recordsAfter(mark).stream().filter(r -> r.target().equals(target)).toList();
          return new ZkClaim(
              true, "fencing " + target + taken(attempt), since, attempt.held(), mine.claim());
        }
        FenceClaims.Slot blocker = attempt.blockers().get(0);
        if (blocker.owner() != null) {
          // What the holder records while we wait counts from when it took the claim.
          mark = Math.min(mark, blocker.owner().historyMark());
        }
        long left = timeout.toNanos() - (clock.nanoTime() - start);
        if (left <= 0) {
          return refused(
              "a fence of "
                  + target
                  + " has been in flight for over "
                  + timeout
                  + ": "
                  + blocker.explain(abandonAfter));
        }
        // Woken by the watch; read again at least every MAX_WAIT_NANOS for the clock-based rules.
        if (changed.tryAcquire(Math.max(Math.min(left, MAX_WAIT_NANOS), 1), TimeUnit.NANOSECONDS)) {
          changed.drainPermits();
        }
      }
    } catch (QuorateException e) {
      return refused("cannot claim " + target + " in ZooKeeper: " + e.getMessage());
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Claims {@code clusters/<cluster>/host-fence} and {@code hosts/<host>} for each host in one
   * {@code multi()}. A claim that cannot be read or written is refused with the reason.
   */
  @Override
  public Claim claimHosts(String target, Set<String> hostNames) {
    FenceNames.check("fence target", target);
    List<String> slots = new ArrayList<>();
    slots.add(hostFence);
    new TreeSet<>(hostNames).forEach(h -> slots.add(hosts + "/" + FenceNames.check("host", h)));
    try {
      slots.forEach(claims::ensureSlot);
      FenceClaimOwner mine = owner(target, hostNames, history.lastSequence());
      FenceClaims.Attempt attempt = claims.take(slots, mine, null);
      if (attempt.granted()) {
        return new ZkClaim(
            true,
            "host-level fence of " + target + " on " + mine.hosts() + taken(attempt),
            List.of(),
            attempt.held(),
            mine.claim());
      }
      List<String> why = attempt.blockers().stream().map(s -> s.explain(abandonAfter)).toList();
      return refused(
          "a host-level fence is in flight (one per cluster and per host): "
              + String.join("; ", why));
    } catch (QuorateException e) {
      return refused(
          "cannot claim the host-level fence of " + target + " in ZooKeeper: " + e.getMessage());
    }
  }

  /**
   * Releases, by an operator's decision, every claim of this cluster whose owner's ZooKeeper
   * session has ended: the operator has made sure that the half-done fence it stood for is over
   * (the host is off, or on and healthy, and no agent of it still runs). Claims whose owner lives
   * are left alone. Each release is logged with the operator and the reason.
   *
   * @param operator who decided
   * @param reason why, for the log
   * @return the released claims, described
   * @throws QuorateException if ZooKeeper cannot be read or written, or a claim node is corrupt
   */
  public List<String> releaseAbandoned(String operator, String reason) {
    FenceNames.check("operator", operator);
    Objects.requireNonNull(reason, "reason");
    List<String> released = new ArrayList<>();
    for (String slot : slotsOfAnyCluster()) {
      String done = claims.releaseAbandoned(slot, cluster);
      if (done != null) {
        log.warn("abandoned fence claim released by operator {} ({}): {}", operator, reason, done);
        released.add(done);
      }
    }
    return released;
  }

  private List<String> slotsOfAnyCluster() {
    List<String> slots = new ArrayList<>();
    children(targets).forEach(t -> slots.add(targets + "/" + t));
    slots.add(hostFence);
    children(hosts).forEach(h -> slots.add(hosts + "/" + h));
    return slots;
  }

  private List<String> children(String path) {
    return childrenOf(client, path);
  }

  private static List<String> childrenOf(CuratorFramework client, String path) {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    } catch (KeeperException.NoAuthException e) {
      throw new QuorateException(
          dev.quorate.lock.ErrorCode.REFUSED,
          "the ACL of " + path + " refuses to list it to this client",
          e);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new QuorateException(
          dev.quorate.lock.ErrorCode.CONNECTION_LOSS, "cannot list " + path + ": " + e, e);
    }
  }

  /** Logs the claims an earlier incarnation of this member left in flight. */
  private void reportOwnAbandonedClaims() {
    for (String slot : slotsOfAnyCluster()) {
      FenceClaims.Slot s = claims.read(slot, null);
      if (s.owner() != null
          && !s.ownerAlive()
          && s.owner().cluster().equals(cluster)
          && s.owner().member().equals(member)) {
        log.warn(
            "an earlier run of this member left a fence in flight: {}; it blocks until it has"
                + " looked abandoned for {} or an operator releases it",
            s.owner().describe(),
            abandonAfter);
      }
    }
  }

  private FenceClaimOwner owner(String target, Set<String> hostNames, long mark) {
    return new FenceClaimOwner(
        cluster,
        member,
        target,
        new TreeSet<>(hostNames),
        UUID.randomUUID().toString(),
        mark,
        clock.now());
  }

  private static String taken(FenceClaims.Attempt attempt) {
    return attempt.takenOver().isEmpty()
        ? ""
        : " (took over the abandoned " + String.join(", ", attempt.takenOver()) + ")";
  }

  private Claim refused(String explanation) {
    return new ZkClaim(false, explanation, List.of(), List.of(), null);
  }

  @Override
  public String toString() {
    return "ZkFenceCoordinator[" + cluster + "/" + member + "]";
  }

  /** A claim of this coordinator; closing a granted one releases its slots once. */
  private final class ZkClaim implements Claim {
    private final boolean granted;
    private final String explanation;
    private final List<FenceRecord> since;
    private final List<FenceClaims.Held> held;
    private final String claimId;
    private final AtomicBoolean closed = new AtomicBoolean();

    ZkClaim(
        boolean granted,
        String explanation,
        List<FenceRecord> since,
        List<FenceClaims.Held> held,
        String claimId) {
      this.granted = granted;
      this.explanation = explanation;
      this.since = List.copyOf(since);
      this.held = List.copyOf(held);
      this.claimId = claimId;
    }

    @Override
    public boolean granted() {
      return granted;
    }

    @Override
    public String explanation() {
      return explanation;
    }

    @Override
    public List<FenceRecord> recordedWhileWaiting() {
      return since;
    }

    @Override
    public void close() {
      if (granted && closed.compareAndSet(false, true)) {
        claims.release(held, claimId);
      }
    }

    @Override
    public String toString() {
      return (granted ? "granted: " : "refused: ") + explanation;
    }
  }

  /** Options for a {@link ZkFenceCoordinator}. Not thread-safe. */
  public static final class Builder {
    private final CuratorFramework curator;
    private final String cluster;
    private final String member;
    private String rootPath = "/quorate/fence";
    private Duration abandonAfter = Duration.ofMinutes(10);
    private Duration connectionTimeout = Duration.ofSeconds(15);
    private MonotonicClock clock = MonotonicClock.system();

    private Builder(CuratorFramework curator, String cluster, String member) {
      this.curator = Objects.requireNonNull(curator, "curator");
      this.cluster = FenceNames.check("cluster", cluster);
      this.member = FenceNames.check("member", member);
    }

    /**
     * Sets the path under which claims and histories live (default {@code /quorate/fence}). Every
     * cluster sharing hosts must use the same root, or host claims do not see each other.
     *
     * @param rootPath an absolute ZooKeeper path, not ending in {@code /}
     * @return this builder
     * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
     */
    public Builder rootPath(String rootPath) {
      this.rootPath = BuilderChecks.rootPath(rootPath, "/quorate/fence");
      return this;
    }

    /**
     * Sets how long a claim whose owner's session has ended must look so to this member, on its own
     * monotonic clock, before this member takes it over (default 10 minutes). Make it longer than
     * the longest fence any member can run: its fencer's deadline plus its largest delay.
     *
     * @param abandonAfter positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder abandonAfter(Duration abandonAfter) {
      this.abandonAfter = BuilderChecks.positive(abandonAfter, "abandonAfter");
      return this;
    }

    /**
     * Sets how long {@link #build()} waits for a connection (default 15 s).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = BuilderChecks.positive(timeout, "connectionTimeout");
      return this;
    }

    /**
     * Sets the clock for waits and for the abandoned-claim rule (monotonic part) and claim stamps
     * (wall clock, for people only); by default the system clock. Give the fencer's clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(MonotonicClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Connects, creates the cluster's nodes, and logs claims an earlier run of this member left in
     * flight.
     *
     * @return the coordinator
     * @throws QuorateException with {@link dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if no server
     *     answered within the connection timeout
     * @throws InterruptedException if interrupted while connecting
     */
    public ZkFenceCoordinator build() throws InterruptedException {
      String root = rootPath;
      CuratorClients.connect(curator, connectionTimeout, root);
      ZkFenceCoordinator coordinator = new ZkFenceCoordinator(this, root);
      for (String path :
          List.of(
              coordinator.targets,
              root + "/clusters/" + cluster + "/history",
              coordinator.hosts,
              coordinator.hostFence)) {
        coordinator.claims.ensureSlot(path); // created here, by another member or an earlier run
      }
      coordinator.reportOwnAbandonedClaims();
      return coordinator;
    }
  }
}
