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
import dev.quorate.lock.internal.DaemonThreads;
import dev.quorate.lock.internal.LockHandle;
import dev.quorate.lock.internal.Requests;
import dev.quorate.lock.internal.ResourceNames;
import dev.quorate.lock.internal.SerialExecutor;
import dev.quorate.zk.ZkLockManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper lock manager: owns the Curator client (or borrows the user's), turns connection
 * states into lease states, and hands out {@link ZkLease}s. See {@link ZkLease} for the protocol.
 */
public final class ZkLockService implements ZkLockManager {
  private static final Logger log = LoggerFactory.getLogger(ZkLockService.class);

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
  private final ScheduledThreadPoolExecutor timers;
  private final ZkNodes nodes;
  private final Set<ZkLease> active = ConcurrentHashMap.newKeySet();
  private final boolean cohorting;
  private final int localHandoffBound;
  private final Map<String, Cohort> cohorts = new ConcurrentHashMap<>();
  private final NotCaching notCaching = new NotCaching();
  private final ValuedContainers valuedContainers = new ValuedContainers();
  private final LossSightings lossSightings = new LossSightings();
  private final AtomicInteger mostHandoffsWhileContended = new AtomicInteger();
  private final ConnectionStateListener connectionListener = this::onConnectionState;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ZkRecipes recipes;

  /** Completed when the connection is suspended or lost; a fresh one once it is back. */
  private volatile CompletableFuture<Void> connectionDown = new CompletableFuture<>();

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
    this.cohorting = settings.cohorting();
    this.localHandoffBound = settings.localHandoffBound();
    this.owner = ownerId().getBytes(StandardCharsets.UTF_8);
    this.member = settings.member();
    // Its threads end when idle: nothing to shut down, and events queued at close still run.
    this.pool =
        settings.executor() != null ? settings.executor() : DaemonThreads.growing("quorate-zk");
    this.timers = DaemonThreads.timers("quorate-zk-timer");
    this.nodes =
        new ZkNodes(new ZkSession(client, acls, owner.clone(), operationTimeout, valuedContainers));
    // Serial: SUSPENDED, RECONNECTED and LOST must reach the leases in the order they happened.
    client.getConnectionStateListenable().addListener(connectionListener, new SerialExecutor(pool));
    this.recipes = new ZkRecipes(client, settings.root(), acls, pool, operationTimeout);
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

  /** Runs {@code action} on the timer thread after {@code delay}; nothing once closed. */
  void later(Duration delay, Runnable action) {
    try {
      timers.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Closed meanwhile: close() fails every request that was waiting.
      log.debug("manager closed; {} not scheduled", action);
    }
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

  void forget(ZkLease lease) {
    active.remove(lease);
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
    // A request with its own blocking callback needs its own node: the callback is per node. So
    // does a gated one: its holder record is per node, and a cached grant would outlive it. One
    // with
    // listeners from its options too, for now: a cohort's local grants do not take listeners yet.
    if (cohorting
        && mode == LockMode.EX
        && options.blockingCallback().isEmpty()
        && options.recoveryGate().isEmpty()
        && options.listeners().isEmpty()) {
      boolean tryOnce = timeout != null && timeout.isZero();
      Cohort.Answer answer;
      do {
        answer = cohort(resource).request(tryOnce);
      } while (answer instanceof Cohort.Retired);
      if (answer instanceof Cohort.Local local) {
        CompletableFuture<Lease> lease = local.lease();
        if (timeout != null && !tryOnce) {
          afterTimeout(
              timeout,
              lease,
              () -> lease.completeExceptionally(new LockTimeoutException(resource, mode, timeout)));
        }
        return lease;
      }
    }
    return requestFromZooKeeper(resource, mode, options, timeout, callerWaits);
  }

  Cohort cohort(String resource) {
    return cohorts.computeIfAbsent(
        resource, name -> new Cohort(this, name, localHandoffBound, notCaching.take(name)));
  }

  /** Notes how many local grants a cohort made after another member asked; for tests. */
  void handedOffWhileContended(int handoffs) {
    mostHandoffsWhileContended.accumulateAndGet(handoffs, Math::max);
  }

  /** The most local grants any cohort made under one node after another member asked for it. */
  int mostHandoffsWhileContended() {
    return mostHandoffsWhileContended.get();
  }

  void retire(String resource, Cohort cohort, NotCaching.Since notCachingSince) {
    if (notCachingSince != null) {
      notCaching.put(resource, notCachingSince);
    }
    cohorts.remove(resource, cohort);
  }

  /** A request with a lock node of its own. */
  CompletableFuture<Lease> requestFromZooKeeper(
      String resource, LockMode mode, LockOptions options, Duration timeout, boolean callerWaits) {
    checkOpen();
    ZkLease lease =
        new ZkLease(
            this, resource, mode, options, timeout != null && timeout.isZero(), callerWaits);
    active.add(lease);
    if (closed.get()) {
      // close() may have swept the set before this lease joined it.
      lease.closeByManager();
    } else {
      lease.start();
    }
    CompletableFuture<Lease> future = lease.granted();
    if (timeout != null && !timeout.isZero()) {
      afterTimeout(
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
   * Runs {@code action} after {@code timeout} unless {@code until} completes first (the timer is
   * then cancelled, so long timeouts leave nothing behind). A timeout too long for a nanosecond
   * count (about 292 years) means no timeout at all.
   */
  void afterTimeout(Duration timeout, CompletableFuture<?> until, Runnable action) {
    long nanos = Requests.saturatedNanos(timeout);
    if (nanos == Long.MAX_VALUE || until.isDone()) {
      return; // granted on the caller's thread already: no timer (and no timer thread woken)
    }
    ScheduledFuture<?> timer = timers.schedule(action, nanos, TimeUnit.NANOSECONDS);
    until.whenComplete((result, failure) -> timer.cancel(false));
  }

  /**
   * Waits for ZooKeeper's answer to an operation sent for {@code lease}, while the connection is up
   * and at most the operation timeout: never for a connection that is suspended or lost.
   */
  void awaitWhileConnected(CompletableFuture<Void> answered, ZkLease lease) {
    CompletableFuture<Void> down = connectionDown;
    if (down.isDone() || !isConnected()) {
      return;
    }
    try {
      CompletableFuture.anyOf(answered, down).get(operationTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // It goes on in the background; the lease is over for the holder already.
      log.warn("release of {} still in progress after {}", lease, operationTimeout, e);
    }
  }

  private void onConnectionState(CuratorFramework source, ConnectionState state) {
    log.debug("connection state {}", state);
    switch (state) {
      case SUSPENDED, LOST -> connectionDown.complete(null);
      case CONNECTED, RECONNECTED -> {
        if (connectionDown.isDone()) {
          connectionDown = new CompletableFuture<>();
        }
      }
      default -> {}
    }
    for (ZkLease lease : active) {
      switch (state) {
        case SUSPENDED -> lease.watch.connectionSuspended();
        case RECONNECTED, CONNECTED -> lease.watch.connectionRestored();
        case LOST -> lease.watch.sessionLost();
        default -> {}
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    cohorts.values().forEach(Cohort::close);
    recipes.close();
    List<CompletableFuture<Void>> done = active.stream().map(ZkLease::closeByManager).toList();
    try {
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
          .get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("lock manager closed before every lock node was deleted", e);
    }
    client.getConnectionStateListenable().removeListener(connectionListener);
    if (ownsClient) {
      // Closing the session deletes whatever ephemeral node is left.
      client.close();
    }
    // Pending timers only fail requests that close() has failed already.
    timers.shutdownNow();
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
