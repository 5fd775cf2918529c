package dev.quorate.zk;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.FenceNames;
import dev.quorate.fence.HostInventory;
import dev.quorate.fence.InventoryView;
import dev.quorate.fence.Occupant;
import dev.quorate.fence.Placement;
import dev.quorate.fence.PlacementSource;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumService;
import dev.quorate.zk.internal.CuratorClients;
import dev.quorate.zk.internal.InventoryNodes;
import dev.quorate.zk.internal.InventoryPublication;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;

/**
 * The host inventory shared by every cluster of a data center, in ZooKeeper: each member publishes
 * which physical host it runs on (with its cluster, votes and role), moves it when the member
 * migrates, and a quorate member publishes its cluster's {@link ClusterView}. Any cluster's guard
 * then {@link #read()}s every occupant of every host, and so never power-cycles a host that carries
 * the standbys of nine other clusters. The same nodes give each cluster a live {@link
 * PlacementSource}.
 *
 * <p>Nodes, under the root path (default {@code /quorate/inventory}), as {@code key=value} lines:
 *
 * <pre>
 * occupants/&lt;cluster&gt;/&lt;member&gt;           persistent: host=h1, votes=1, role=standby
 * occupants/&lt;cluster&gt;/&lt;member&gt;/session   ephemeral: the member's session lives
 * views/&lt;cluster&gt;/&lt;member&gt;               ephemeral: quorate=true, threshold=2, partition=db-a,db-b
 * </pre>
 *
 * <p><b>Why the occupancy record outlives the session.</b> A member that crashes, hangs or is cut
 * off from ZooKeeper loses its session, but its VM may still run on its host. Were its record
 * ephemeral, it would vanish: another cluster's guard would count the host emptier than it is and
 * could power-cycle it, and the member's own cluster could no longer place it to fence it. So the
 * record stays at the member's last published host until the member leaves in order ({@link
 * Publication#close()}, {@link #close()}), a new run of it publishes again (anywhere), or an
 * operator {@link #forget}s it. Whether such an occupant is still healthy is for its own cluster to
 * say: its quorate view lists the members it still holds. A view is ephemeral, so a cluster none of
 * whose quorate members is connected publishes none, and the guard then treats its members as
 * healthy. When a cluster has several views (a member of an old partition has not withdrawn its
 * view yet), the last one written counts, by ZooKeeper's order, never by a clock.
 *
 * <p>The placement is the last one each member published: a migration that a member cut off from
 * ZooKeeper could not publish is unknown here, so where VMs migrate without their members being
 * connected, prefer the hypervisor manager's view ({@link PlacementSource#command}).
 *
 * <p>Every read first syncs with the leader, must finish within {@link Builder#readTimeout}, and
 * fails with a {@link QuorateException} otherwise, or when this client is not connected, or when a
 * node holds data that is not what its place says (the message names the node's path): the guard
 * then refuses host-level actions instead of guessing.
 *
 * <pre>{@code
 * ZkHostInventory inventory = ZkHostInventory.builder(curator).build();
 * ZkHostInventory.Publication me =
 *     inventory.publish(new Occupant("cluster-1", "db-a", "h1", 1, Occupant.Role.ACTIVE));
 * me.publishView(new ClusterView("cluster-1", true, 2, Set.of("db-a", "db-b")));
 * me.moveTo("h2"); // after a live migration
 * TopologyFenceGuard guard =
 *     TopologyFenceGuard.builder(policy, quorum::state)
 *         .inventory("cluster-1", inventory)
 *         .placement(inventory.placement("cluster-1"))
 *         .build();
 * }</pre>
 */
public final class ZkHostInventory implements HostInventory, AutoCloseable {
  private final CuratorFramework client;
  private final InventoryNodes nodes;
  private final Duration readTimeout;
  private final MonotonicClock nanoClock;
  private final ExecutorService executor;
  private final Set<InventoryPublication> publications = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ZkHostInventory(Builder b) {
    this.client = b.curator;
    this.nodes = new InventoryNodes(client, b.rootPath);
    this.readTimeout = b.readTimeout;
    this.nanoClock = b.nanoClock;
    this.executor = Executors.newCachedThreadPool(DaemonThreads.named("quorate-inventory"));
  }

  /**
   * Starts a builder.
   *
   * @param curator the client; started if needed, never closed by the inventory
   * @return a new builder
   */
  public static Builder builder(CuratorFramework curator) {
    return new Builder(curator);
  }

  /**
   * One member's entry in the inventory: its occupancy record, and its cluster's view while it
   * publishes one. Written again after a new session. Closing it is the member's orderly leave: it
   * deletes both.
   */
  public interface Publication extends AutoCloseable {
    /**
     * Returns the occupant as last published.
     *
     * @return the occupant
     */
    Occupant occupant();

    /**
     * Publishes that the member now runs on another host, as a live migration completes.
     *
     * @param host the new host
     * @throws dev.quorate.lock.ConfigurationException if the host name is invalid
     * @throws QuorateException if closed or ZooKeeper cannot be written
     */
    void moveTo(String host);

    /**
     * Publishes the cluster's quorum view as this member sees it; call it while the member is
     * quorate, and {@link #withdrawView} when it is not.
     *
     * @param view the view of the member's own cluster
     * @throws dev.quorate.lock.ConfigurationException if the view is of another cluster
     * @throws QuorateException if closed or ZooKeeper cannot be written
     */
    void publishView(ClusterView view);

    /**
     * Withdraws this member's view.
     *
     * @throws QuorateException if ZooKeeper cannot be written
     */
    void withdrawView();

    /**
     * Publishes the cluster's view from the member's quorum service from now on: at once, and on
     * every change (the partition's member names and threshold while quorate; withdrawn while not).
     *
     * <pre>{@code
     * me.followQuorum(quorum, Map.of(MemberId.of(1), "db-a", MemberId.of(2), "db-b"));
     * }</pre>
     *
     * @param quorum the member's quorum service
     * @param names member id to member name, for every member of the quorum's topology
     * @throws dev.quorate.lock.ConfigurationException if a topology member has no name, or the
     *     publication already follows a quorum service
     * @throws QuorateException if closed or ZooKeeper cannot be written
     */
    void followQuorum(QuorumService quorum, Map<MemberId, String> names);

    /** Deletes the member's nodes. Idempotent. */
    @Override
    void close();
  }

  /**
   * Publishes a member's occupancy. A record of the same member left by an earlier run (a crash, or
   * a restart before the old session expired) is taken over and rewritten.
   *
   * @param occupant the member, its cluster and the host it runs on now
   * @return the publication
   * @throws QuorateException if the inventory is closed or the node cannot be written
   */
  public Publication publish(Occupant occupant) {
    Objects.requireNonNull(occupant, "occupant");
    checkOpen();
    InventoryPublication publication = new InventoryPublication(client, nodes, executor, occupant);
    publications.add(publication);
    return new Publication() {
      @Override
      public Occupant occupant() {
        return publication.occupant();
      }

      @Override
      public void moveTo(String host) {
        publication.moveTo(FenceNames.check("host", host));
      }

      @Override
      public void publishView(ClusterView view) {
        publication.publishView(view);
      }

      @Override
      public void withdrawView() {
        publication.withdrawView();
      }

      @Override
      public void followQuorum(QuorumService quorum, Map<MemberId, String> names) {
        publication.follow(quorum, names);
      }

      @Override
      public void close() {
        publications.remove(publication);
        publication.close();
      }

      @Override
      public String toString() {
        return "inventory publication of " + publication.occupant().describe();
      }
    };
  }

  /**
   * Removes the record of a member that left without an orderly leave and will not come back (its
   * VM is deleted, or it runs elsewhere under another name): an operator's decision, since the
   * inventory cannot tell a dead member from one cut off from ZooKeeper.
   *
   * @param cluster the member's cluster
   * @param member the member
   * @return true if a record was removed, false if there was none
   * @throws QuorateException with {@link ErrorCode#REFUSED} if the member's session lives, or
   *     another code if ZooKeeper cannot be written
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid
   */
  public boolean forget(String cluster, String member) {
    checkOpen();
    return nodes.forget(FenceNames.check("cluster", cluster), FenceNames.check("member", member));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Stamped with the clock's time when the read began, so its age is never underestimated.
   *
   * @throws QuorateException with {@link ErrorCode#CONNECTION_LOSS} if this client is not connected
   *     or the read does not finish within the read timeout, {@link ErrorCode#CORRUPT_DATA} naming
   *     the node if one holds bad data
   */
  @Override
  public InventoryView read() {
    long stamp = nanoClock.nanoTime();
    return bounded("read the host inventory", () -> nodes.read(stamp));
  }

  /**
   * Returns the occupants whose member's ZooKeeper session lives now. An occupant not listed has
   * crashed, hung, been fenced or been cut off from ZooKeeper; its record stays (see the class
   * comment), and only its own cluster's view tells whether the cluster still counts it.
   *
   * <pre>{@code
   * Set<String> live = inventory.connected(); // e.g. [cluster-1/db-a, cluster-1/db-b]
   * }</pre>
   *
   * @return qualified names ({@link Occupant#qualifiedName()}), sorted
   * @throws QuorateException like {@link #read()}
   */
  public Set<String> connected() {
    return bounded("read which occupants are connected", nodes::connected);
  }

  /**
   * Returns the live placement of one cluster's members, read from their occupancy nodes.
   *
   * @param cluster the cluster's name
   * @return the source; each read is bounded and fails like {@link #read()}
   * @throws dev.quorate.lock.ConfigurationException if the name is invalid
   */
  public PlacementSource placement(String cluster) {
    FenceNames.check("cluster", cluster);
    return new PlacementSource() {
      @Override
      public Placement read() {
        long stamp = nanoClock.nanoTime();
        return bounded("read the placement of " + cluster, () -> nodes.placement(cluster, stamp));
      }

      @Override
      public String name() {
        return "ZooKeeper placement of " + cluster;
      }
    };
  }

  @Override
  public String name() {
    return "ZooKeeper host inventory";
  }

  /** A ZooKeeper read, as one task of the inventory's threads. */
  private interface Read<T> {
    T run() throws Exception;
  }

  private <T> T bounded(String what, Read<T> read) {
    checkOpen();
    if (!client.getZookeeperClient().isConnected()) {
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS, "cannot " + what + ": not connected to ZooKeeper");
    }
    Future<T> future = executor.submit(read::run);
    try {
      return future.get(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS, "cannot " + what + ": no answer within " + readTimeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new QuorateException(ErrorCode.INTERNAL, "interrupted while trying to " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof QuorateException q) {
        throw q;
      }
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS, "cannot " + what + ": " + e.getCause(), e.getCause());
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new QuorateException(ErrorCode.CLOSED, "the host inventory is closed");
    }
  }

  /** Leaves in order for every open publication (deletes its nodes) and stops the threads. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      publications.forEach(InventoryPublication::close);
      publications.clear();
      executor.shutdownNow();
    }
  }

  /** Options for a {@link ZkHostInventory}. Not thread-safe. */
  public static final class Builder {
    private final CuratorFramework curator;
    private String rootPath = "/quorate/inventory";
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration connectionTimeout = Duration.ofSeconds(15);
    private MonotonicClock nanoClock = MonotonicClock.system();

    private Builder(CuratorFramework curator) {
      this.curator = Objects.requireNonNull(curator, "curator");
    }

    /**
     * Sets the path of the inventory (default {@code /quorate/inventory}); every cluster of the
     * data center must use the same one.
     *
     * @param rootPath an absolute ZooKeeper path, not ending in {@code /}
     * @return this builder
     * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
     */
    public Builder rootPath(String rootPath) {
      this.rootPath = BuilderChecks.rootPath(rootPath, "/quorate/inventory");
      return this;
    }

    /**
     * Sets how long one read may take before it fails (default 5 s).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = BuilderChecks.positive(timeout, "readTimeout");
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
     * Sets the monotonic clock that stamps each read; give the guard's clock (default {@link
     * System#nanoTime()}).
     *
     * @param nanoClock monotonic nanoseconds
     * @return this builder
     */
    public Builder clock(MonotonicClock nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Connects and creates the root path.
     *
     * @return the inventory
     * @throws QuorateException with {@link ErrorCode#CONNECTION_LOSS} if no server answered within
     *     the connection timeout
     * @throws InterruptedException if interrupted while connecting
     */
    public ZkHostInventory build() throws InterruptedException {
      CuratorClients.connect(curator, connectionTimeout, rootPath);
      return new ZkHostInventory(this);
    }
  }
}
