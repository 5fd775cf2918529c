package dev.quorate.zk;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Mechanism;
import dev.quorate.zk.internal.CuratorClients;
import dev.quorate.zk.internal.ServiceSettings;
import dev.quorate.zk.internal.ZkLockService;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.ACL;

/**
 * Builds a {@link ZkLockManager}. Give exactly one of a connect string, a Curator client you
 * already have, or an {@link EmbeddedPeer}; the mechanism follows: one server is a single lock
 * manager (SLM), an ensemble of 3 or 5 a redundant one (RLM), an embedded peer a distributed one
 * (DLM).
 *
 * <pre>{@code
 * ZkLockManager manager = ZkLockManager.builder()
 *     .connectString("zk1:2181,zk2:2181,zk3:2181")   // RLM, survives 1 server failure
 *     .sessionTimeout(Duration.ofSeconds(10))
 *     .security(ZkSecurity.builder().digest("quorate", secret).build())
 *     .build();
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class ZkLockManagerBuilder {
  private String connectString;
  private CuratorFramework curator;
  private EmbeddedPeer peer;
  private String rootPath = "/quorate/locks";
  private Duration sessionTimeout = Duration.ofSeconds(10);
  private Duration connectionTimeout = Duration.ofSeconds(15);
  private ZkSecurity security = ZkSecurity.none();
  private boolean cohorting;
  private Executor executor;
  private int localHandoffBound = 16;
  private String member;

  ZkLockManagerBuilder() {}

  /**
   * Connects to these servers: one for SLM, or an ensemble of 3 or 5 for RLM.
   *
   * @param connectString {@code host:port[,host:port...]}, optionally with a chroot suffix
   * @return this builder
   */
  public ZkLockManagerBuilder connectString(String connectString) {
    this.connectString = Objects.requireNonNull(connectString, "connectString");
    return this;
  }

  /**
   * Uses a Curator client the application already has. The manager never closes it; its retry
   * policy, session timeout and authentication apply. It may be started or not.
   *
   * @param curator the client
   * @return this builder
   */
  public ZkLockManagerBuilder curator(CuratorFramework curator) {
    this.curator = Objects.requireNonNull(curator, "curator");
    return this;
  }

  /**
   * Makes this a distributed lock manager on the ensemble of embedded peers that {@code peer}
   * belongs to. The peer must be started; the manager does not stop it.
   *
   * @param peer this member's peer
   * @return this builder
   */
  public ZkLockManagerBuilder peer(EmbeddedPeer peer) {
    this.peer = Objects.requireNonNull(peer, "peer");
    return this;
  }

  /**
   * Sets the path under which every resource gets its container node.
   *
   * @param rootPath an absolute ZooKeeper path, default {@code /quorate/locks}
   * @return this builder
   * @throws IllegalArgumentException if it does not start with '/' or ends with '/'
   */
  public ZkLockManagerBuilder rootPath(String rootPath) {
    Objects.requireNonNull(rootPath, "rootPath");
    if (!rootPath.startsWith("/") || rootPath.endsWith("/")) {
      throw new IllegalArgumentException(
          "rootPath must start with '/' and not end with '/', got '" + rootPath + "'");
    }
    this.rootPath = rootPath;
    return this;
  }

  /**
   * Sets the ZooKeeper session timeout: how long after losing its connection a member's leases are
   * given to others. Leases turn SUSPECT at once when the connection is lost.
   *
   * @param timeout positive, default 10 s; servers bound it to 2 to 20 ticks
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public ZkLockManagerBuilder sessionTimeout(Duration timeout) {
    this.sessionTimeout = positive(timeout, "sessionTimeout");
    return this;
  }

  /**
   * Sets how long {@link #build()} waits for the first connection, and the bound of each blocking
   * ZooKeeper call made for a caller. The client this builder creates gives up one connection
   * attempt after this or the session timeout, whichever is shorter: an attempt outlasting the
   * session could only find it expired.
   *
   * @param timeout positive, default 15 s
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public ZkLockManagerBuilder connectionTimeout(Duration timeout) {
    this.connectionTimeout = positive(timeout, "connectionTimeout");
    return this;
  }

  /**
   * Sets authentication, ACLs and TLS. Ignored for authentication and TLS with {@link
   * #curator(CuratorFramework)} (configure the client itself); the ACLs still apply.
   *
   * @param security the setting
   * @return this builder
   */
  public ZkLockManagerBuilder security(ZkSecurity security) {
    this.security = Objects.requireNonNull(security, "security");
    return this;
  }

  /**
   * Turns on node-level caching and in-JVM cohorting of EX locks (the DLM model). The threads of
   * this member share one ZooKeeper lock node per resource: they queue in memory and hand the lock
   * to each other without ZooKeeper traffic, and after the last release the member keeps the node
   * until another member asks for the lock (unless its grants of that resource keep going to
   * another member after one local use: then it stops keeping them, until a grant shows nobody else
   * touched the lock meanwhile). Each local grant has the node's czxid as {@code major} and a local
   * sequence as {@code minor} in its token, so tokens still rise strictly; SUSPECT and LOST reach
   * the holder as without cohorting.
   *
   * <p>What changes: another member's first request waits one more notification (the blocking
   * callback that makes this member give the node up); blocking callbacks of other holders hear of
   * each waiting member at least once, not of each thread; EX requests with a blocking callback or
   * a recovery gate of their own, and other modes, still get a node each. Converting a cohort lease
   * takes the node out of the cohort. Off by default, because of these differences; see {@code
   * docs/performance.md}.
   *
   * @param enabled whether to cohort and cache EX grants
   * @return this builder
   */
  public ZkLockManagerBuilder cohorting(boolean enabled) {
    this.cohorting = enabled;
    return this;
  }

  /**
   * Sets the threads that run the manager's work for its leases (their calls to ZooKeeper, which
   * may wait for an answer) and deliver lease events and blocking callbacks. The manager never
   * shuts it down. It must be able to run as many tasks at once as leases wait for ZooKeeper: a
   * small fixed pool makes one slow answer hold up every lease behind it.
   *
   * @param executor the executor; by default a pool of daemon threads of the manager's own that
   *     grows as needed and ends idle threads
   * @return this builder
   */
  public ZkLockManagerBuilder executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Bounds how many more local grants a cohort makes after it learned that another member waits,
   * before it gives its ZooKeeper grant up; the bound on starvation of other members. Only used
   * with {@link #cohorting(boolean)}.
   *
   * @param bound zero (give the lock up at the next release) or more, default 16
   * @return this builder
   * @throws IllegalArgumentException if negative
   */
  public ZkLockManagerBuilder localHandoffBound(int bound) {
    if (bound < 0) {
      throw new IllegalArgumentException("localHandoffBound must not be negative, got " + bound);
    }
    this.localHandoffBound = bound;
    return this;
  }

  /**
   * Names this member as its fencer knows it (the fence target, for example {@code node-a}). Locks
   * with a {@link dev.quorate.lock.RecoveryGate} need it: each grant of such a lock is recorded in
   * ZooKeeper under this name, so that if this member is lost while holding it, the next holder
   * waits until this member is fenced or confirmed down. Without it such locks are refused.
   *
   * @param name the member name, not blank
   * @return this builder
   * @throws IllegalArgumentException if blank
   */
  public ZkLockManagerBuilder member(String name) {
    Objects.requireNonNull(name, "member");
    if (name.isBlank()) {
      throw new IllegalArgumentException("member must not be blank, got '" + name + "'");
    }
    this.member = name;
    return this;
  }

  /**
   * Connects and returns the manager.
   *
   * @return a connected manager
   * @throws ConfigurationException if not exactly one source was given, or the ensemble is not 1, 3
   *     or 5 servers
   * @throws dev.quorate.lock.QuorateException with {@link
   *     dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if no server answered within the connection
   *     timeout
   * @throws InterruptedException if interrupted while connecting
   */
  public ZkLockManager build() throws InterruptedException {
    int sources =
        (connectString != null ? 1 : 0) + (curator != null ? 1 : 0) + (peer != null ? 1 : 0);
    if (sources != 1) {
      throw new ConfigurationException(
          "give exactly one of connectString, curator or peer; got " + sources);
    }
    List<ACL> acls = ZkClients.acls(security);
    Mechanism mechanism;
    CuratorFramework client;
    boolean owns;
    if (curator != null) {
      mechanism = serverMechanism(curator.getZookeeperClient().getCurrentConnectionString());
      client = curator;
      owns = false;
      CuratorClients.connect(client, connectionTimeout, rootPath);
    } else {
      String servers = peer != null ? peer.ensembleConnectString() : connectString;
      mechanism = peer != null ? peerMechanism() : serverMechanism(servers);
      client = ZkClients.create(servers, sessionTimeout, connectionTimeout, security);
      owns = true;
      try {
        CuratorClients.connect(client, connectionTimeout, rootPath);
      } catch (RuntimeException | InterruptedException e) {
        client.close();
        throw e;
      }
    }
    return new ZkLockService(
        new ServiceSettings(
            client,
            owns,
            null,
            rootPath,
            mechanism,
            acls,
            connectionTimeout,
            cohorting,
            localHandoffBound,
            member,
            executor));
  }

  private Mechanism peerMechanism() {
    int size = peer.ensemble().size();
    return new Mechanism(
        Mechanism.Kind.DLM,
        (size - 1) / 2,
        "embedded ZooKeeper peer " + peer.address().id() + " of " + size);
  }

  static Mechanism serverMechanism(String connectString) {
    String hosts =
        connectString.contains("/")
            ? connectString.substring(0, connectString.indexOf('/'))
            : connectString;
    int servers = hosts.isBlank() ? 0 : hosts.split(",").length;
    return switch (servers) {
      case 1 -> new Mechanism(Mechanism.Kind.SLM, 0, "ZooKeeper server " + hosts);
      case 3, 5 ->
          new Mechanism(
              Mechanism.Kind.RLM,
              (servers - 1) / 2,
              "ZooKeeper ensemble of " + servers + ": " + hosts);
      default ->
          throw new ConfigurationException(
              "connect string '"
                  + connectString
                  + "' names "
                  + servers
                  + " servers; a ZooKeeper lock manager needs 1 (SLM) or an ensemble of 3 or 5"
                  + " (RLM)");
    };
  }

  private static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "ZkLockManagerBuilder["
        + (connectString != null ? connectString : peer != null ? peer : curator)
        + ", "
        + security
        + "]";
  }
}
