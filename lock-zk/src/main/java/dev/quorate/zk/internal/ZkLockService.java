package dev.quorate.zk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Election;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.lock.spi.LockHandle;
import dev.quorate.lock.spi.Requests;
import dev.quorate.lock.spi.ResourceNames;
import dev.quorate.lock.spi.SerialExecutor;
import dev.quorate.zk.ZkLockManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.data.ACL;

/**
 * The ZooKeeper lock manager: owns the Curator client (or borrows the user's), turns connection
 * states into lease states, and hands out {@link ZkLease}s. See {@link ZkLease} for the protocol.
 */
public final class ZkLockService implements ZkLockManager {
  private final CuratorFramework client;
  private final boolean ownsClient;
  private final Runnable onClose;
  private final ResourcePaths paths;
  private final Mechanism mechanism;
  private final List<ACL> acls;
  private final Duration operationTimeout;
  private final byte[] owner;
  private final String member;
  private final Executor pool;
  private final ManagerTimer timer = new ManagerTimer();
  private final ZkNodes nodes;
  private final ZkRevocations revocations;
  private final List<Runnable> cachedGrantHooks = new CopyOnWriteArrayList<>();
  private final ActiveLeases active;

  /** Null unless the manager is cohorting. */
  private final Cohorts cohorts;

  private final ValuedContainers valuedContainers = new ValuedContainers();
  private final LossSightings lossSightings = new LossSightings();
  private final ConnectionStateListener connectionListener;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ZkRecipes recipes;

  /**
   * Creates the service on a started client.
   *
   * @param settings what the builder collected
   */
  public ZkLockService(ServiceSettings settings) {
    this.client = settings.client();
    this.ownsClient = settings.ownsClient();
    this.onClose = settings.onClose();
    this.paths = new ResourcePaths(settings.root());
    this.mechanism = settings.mechanism();
    this.acls = settings.acls();
    this.operationTimeout = settings.operationTimeout();
    this.cohorts = settings.cohorting() ? new Cohorts(this, settings.localHandoffBound()) : null;
    this.owner = ownerId().getBytes(StandardCharsets.UTF_8);
    this.member = settings.member();
    // Its threads end when idle: nothing to shut down, and events queued at close still run.
    this.pool =
        settings.executor() != null ? settings.executor() : DaemonThreads.growing("quorate-zk");
    this.nodes =
        new ZkNodes(new ZkSession(client, acls, owner.clone(), operationTimeout, valuedContainers));
    this.active = new ActiveLeases(client, operationTimeout);
    this.connectionListener = active::connectionChanged;
    this.revocations = new ZkRevocations(client, paths, acls);
    // Serial: SUSPENDED, RECONNECTED and LOST must reach the leases in the order they happened.
    client.getConnectionStateListenable().addListener(connectionListener, new SerialExecutor(pool));
    this.recipes = new ZkRecipes(client, settings.root(), acls, pool);
  }

  private static String ownerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
  }

  CuratorFramework client() {
    return client;
  }

  Executor pool() {
    return pool;
  }

  /** The ZooKeeper calls of the lock protocol, one set for the manager. */
  ZkNodes nodes() {
    return nodes;
  }

  LossSightings lossSightings() {
    return lossSightings;
  }

  List<ACL> acls() {
    return acls;
  }

  byte[] owner() {
    return owner.clone();
  }

  Duration operationTimeout() {
    return operationTimeout;
  }

  /** This member's name as its fencer knows it, or null if not given. */
  String member() {
    return member;
  }

  /** The manager's timer thread (deadlines, polls); it runs nothing once the manager closed. */
  ManagerTimer timer() {
    return timer;
  }

  String container(String resource) {
    return paths.container(resource);
  }

  /** The id of the client's current session, or 0 while there is none. */
  long currentSession() {
    return CuratorClients.sessionId(client);
  }

  boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Adds a lease that a {@link MultiRequest} starts; closed at once if the manager is. */
  void track(ZkLease lease) {
    active.add(lease);
    if (closed.get()) {
      lease.closeByManager();
    }
  }

  @Override
  public List<Lease> acquireAll(List<String> resources, LockMode mode, Duration timeout)
      throws InterruptedException {
    List<String> names = MultiRequest.distinct(resources);
    names.forEach(ResourceNames::check);
    Objects.requireNonNull(mode, "mode");
    Requests.checkTimeout(timeout);
    checkOpen();
    return new MultiRequest(this, names, mode).acquire(timeout);
  }

  @Override
  public Lock lock(String resource) {
    return lock(resource, LockOptions.defaults());
  }

  @Override
  public Lock lock(String resource, LockOptions options) {
    ResourceNames.check(resource);
    Objects.requireNonNull(options, "options");
    checkOpen();
    if (options.recoveryGate().isPresent() && member == null) {
      // Refused rather than ignored: a holder record without a name could never be fenced.
      throw new ConfigurationException(
          "lock '"
              + resource
              + "' has a recoveryGate, which needs this member's name as the fencer knows it:"
              + " set ZkLockManagerBuilder.member(name)");
    }
    return new LockHandle(
        resource,
        options,
        (mode, timeout, callerWaits) -> request(resource, mode, options, timeout, callerWaits));
  }

  @Override
  public Election election(String name) {
    checkOpen();
    return recipes.election(name);
  }

  @Override
  public Semaphore semaphore(String name, int permits) {
    checkOpen();
    return recipes.semaphore(name, permits);
  }

  @Override
  public Mechanism mechanism() {
    return mechanism;
  }

  @Override
  public dev.quorate.lock.LockInspection inspect(String resource) {
    ResourceNames.check(resource);
    checkOpen();
    return revocations.inspect(resource);
  }

  @Override
  public dev.quorate.lock.Revocation revoke(
      String resource, dev.quorate.lock.FencingToken token, String requestedBy, String reason) {
    dev.quorate.lock.spi.Revocations.check(resource, token, requestedBy, reason);
    checkOpen();
    return revocations.revoke(resource, token, requestedBy, reason);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new QuorateException(ErrorCode.CLOSED, "lock manager is closed");
    }
  }

  /**
   * A request; {@code callerWaits} says the caller blocks for the answer and attaches nothing to
   * the future, so the request may run on the caller's thread and complete there.
   */
  CompletableFuture<Lease> request(
      String resource, LockMode mode, LockOptions options, Duration timeout, boolean callerWaits) {
    Objects.requireNonNull(mode, "mode");
    checkOpen();
    if (cohorts != null) {
      Optional<CompletableFuture<Lease>> local = cohorts.request(resource, mode, options, timeout);
      if (local.isPresent()) {
        return local.get();
      }
    }
    return requestFromZooKeeper(resource, mode, options, timeout, callerWaits);
  }

  /**
   * Adds a hook run on every grant a cohort serves from a lock node this member already held (no
   * ZooKeeper traffic): the metrics' cached-grant counter. Must be quick; runs under the cohort.
   *
   * @param hook what to run
   */
  public void onCachedGrant(Runnable hook) {
    cachedGrantHooks.add(Objects.requireNonNull(hook, "hook"));
  }

  void cachedGrant() {
    cachedGrantHooks.forEach(Runnable::run);
  }

  /** The most local grants any cohort made under one node after another member asked for it. */
  int mostHandoffsWhileContended() {
    return cohorts == null ? 0 : cohorts.mostHandoffsWhileContended();
  }

  /** A request with a lock node of its own. */
  CompletableFuture<Lease> requestFromZooKeeper(
      String resource, LockMode mode, LockOptions options, Duration timeout, boolean callerWaits) {
    return requestFromZooKeeper(resource, mode, options, timeout, callerWaits, false);
  }

  /**
   * A request with a lock node of its own; {@code cohortGrant}: the node of a {@link Cohort}, whose
   * blocking callback hears of waiters only once the cohort asks ({@link
   * CohortGrant#hearOtherMembers}).
   */
  CompletableFuture<Lease> requestFromZooKeeper(
      String resource,
      LockMode mode,
      LockOptions options,
      Duration timeout,
      boolean callerWaits,
      boolean cohortGrant) {
    checkOpen();
    ZkLease lease =
        new ZkLease(
            this,
            resource,
            mode,
            options,
            timeout != null && timeout.isZero(),
            callerWaits,
            cohortGrant);
    active.add(lease);
    if (closed.get()) {
      // close() may have swept the set before this lease joined it.
      lease.closeByManager();
    } else {
      lease.start(callerWaits);
    }
    CompletableFuture<Lease> future = lease.granted();
    if (timeout != null && !timeout.isZero()) {
      timer.afterTimeout(
          timeout,
          future,
          () -> future.completeExceptionally(new LockTimeoutException(resource, mode, timeout)));
    }
    future.whenComplete(
        (granted, failure) -> {
          if (failure != null) {
            lease.withdraw();
          }
        });
    return future;
  }

  /**
   * Waits for ZooKeeper's answer to an operation sent for {@code lease}, while the connection is up
   * and at most the operation timeout: never for a connection that is suspended or lost.
   */
  void awaitWhileConnected(CompletableFuture<Void> answered, Lease lease) {
    active.awaitWhileConnected(answered, lease);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (cohorts != null) {
      cohorts.close();
    }
    recipes.close();
    active.closeAll();
    client.getConnectionStateListenable().removeListener(connectionListener);
    if (ownsClient) {
      // Closing the session deletes whatever ephemeral node is left.
      client.close();
    }
    timer.shutdown();
    if (onClose != null) {
      onClose.run();
    }
  }

  @Override
  public String toString() {
    return "ZkLockManager["
        + mechanism.kind()
        + ", "
        + mechanism.detail()
        + (closed.get() ? ", closed" : "")
        + "]";
  }
}
